import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../config";
import * as aws from "./aws";
import * as gcp from "./gcp";
import type { ClusterDnsInputs } from "./types";

export type { AwsClusterDnsTransforms } from "./aws";
export type { GcpClusterDnsTransforms } from "./gcp";
export type { ClusterDnsInputs } from "./types";
export { PublicDns, publicTtl, awsHealthCheck, gcpHealthCheck, type PublicDnsArgs, type PublicDnsTransforms } from "./public";

/** Edits to the raw resources, per cloud (see components/transform.ts). */
export interface ClusterDnsTransforms {
  aws?: aws.AwsClusterDnsTransforms;
  gcp?: gcp.GcpClusterDnsTransforms;
}

export interface ClusterDnsArgs<C extends Cloud = Cloud> extends ClusterDnsInputs<C> {
  /**
   * Edits to the raw resources, per cloud: a partial merged over portage's arguments, or a function
   * that edits them in place.
   * @default {}
   * @example
   * { aws: { zone: { comment: "cluster discovery" } } }
   */
  transform?: ClusterDnsTransforms;
}

const build: {
  [C in Cloud]: (
    name: string,
    args: ClusterDnsInputs<C>,
    t: ClusterDnsTransforms[C] | undefined,
    parent: pulumi.Resource,
  ) => pulumi.Resource[];
} = {
  aws: aws.createClusterDns,
  gcp: gcp.createClusterDns,
};

/**
 * The stack's private DNS zone (`cluster.zone`, Route53 private hosted zone associated with every
 * region's VPC / Cloud DNS private zone on the VPC) with `nodes.<zone>` resolving to every node's
 * private address (what dns_cluster or libcluster's DNSPoll poll) and `edge.<zone>` to every edge's.
 *
 * @example
 * const dns = new ClusterDns("dns", { spec, cloud, providers, network, fleet, edge });
 * dns.nodesName; // nodes.dev.hello.internal
 */
export class ClusterDns<C extends Cloud = Cloud> extends pulumi.ComponentResource {
  readonly cloud: C;
  readonly zone: string;
  readonly nodesName: string;
  readonly edgeName: string;
  /** The records' resources, for `dependsOn`. */
  readonly records: pulumi.Resource[];

  constructor(name: string, args: ClusterDnsArgs<C>, opts?: pulumi.ComponentResourceOptions) {
    super("portage:dns:ClusterDns", name, {}, opts);
    this.cloud = args.cloud.cloud;
    this.zone = args.spec.cluster.zone;
    this.nodesName = args.spec.cluster.nodesName;
    this.edgeName = args.spec.cluster.edgeName;
    this.records = build[this.cloud](name, args, args.transform?.[this.cloud], this);
    this.registerOutputs({});
  }
}
