import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../config";
import * as aws from "./public-aws";
import * as gcp from "./public-gcp";
import type { PublicDnsInputs } from "./public-types";

export { awsHealthCheck, type AwsPublicDnsTransforms } from "./public-aws";
export { gcpHealthCheck, type GcpPublicDnsTransforms } from "./public-gcp";
export { publicTtl, type PublicDnsInputs } from "./public-types";

/** Edits to the raw resources, per cloud (see components/transform.ts). */
export interface PublicDnsTransforms {
  aws?: aws.AwsPublicDnsTransforms;
  gcp?: gcp.GcpPublicDnsTransforms;
}

export interface PublicDnsArgs<C extends Cloud = Cloud> extends PublicDnsInputs<C> {
  /**
   * Edits to the raw resources, per cloud: a partial merged over portage's arguments, or a function
   * that edits them in place.
   * @default {}
   * @example
   * { aws: { healthCheck: { regions: ["us-east-1", "eu-west-1", "ap-southeast-1"] } } }
   */
  transform?: PublicDnsTransforms;
}

const build: {
  [C in Cloud]: (
    name: string,
    args: PublicDnsInputs<C>,
    t: PublicDnsTransforms[C] | undefined,
    parent: pulumi.Resource,
  ) => pulumi.Resource[];
} = {
  aws: aws.createPublicDns,
  gcp: gcp.createPublicDns,
};

/**
 * `edge.domain`'s public records in the zone the user named (`edge.dnsZone`, which config/ checked
 * holds the domain): one region, a plain A record to its entry; several, Route 53 latency-based
 * records / a Cloud DNS geolocation routing policy, with a health check per region's entry, so users
 * reach the nearest healthy region. Only the serving footprint writes them (the zone is its cloud's).
 *
 * @example
 * const publicDns = new PublicDns("public-dns", { spec, cloud, providers, edge });
 */
export class PublicDns<C extends Cloud = Cloud> extends pulumi.ComponentResource {
  readonly cloud: C;
  readonly domain: string;
  readonly zone: string;
  /** The records and health checks, for `dependsOn`. */
  readonly records: pulumi.Resource[];

  constructor(name: string, args: PublicDnsArgs<C>, opts?: pulumi.ComponentResourceOptions) {
    super("portage:dns:PublicDns", name, {}, opts);
    this.cloud = args.cloud.cloud;
    this.domain = args.spec.edge.domain;
    this.zone = args.spec.edge.dnsZone;
    this.records = build[this.cloud](name, args, args.transform?.[this.cloud], this);
    this.registerOutputs({});
  }
}
