import * as pulumi from "@pulumi/pulumi";
import type { Cloud, CloudSpec, Spec } from "../config";
import { edgeUserData, type EdgeRuntime } from "../node";
import { edgeSecretEnv, secretRefs } from "../secrets/names";
import { storeLocation } from "../secrets/store";
import * as aws from "./aws";
import * as gcp from "./gcp";
import type { EdgeInputs } from "./types";

export type { AwsEdge, AwsEdgeTransforms } from "./aws";
export type { GcpEdge, GcpEdgeTransforms } from "./gcp";
export type { EdgeAddresses, EdgeInputs } from "./types";

/** Each cloud's edge handle. */
export interface EdgeHandles {
  aws: aws.AwsEdge;
  gcp: gcp.GcpEdge;
}
export type EdgeOf<C extends Cloud> = EdgeHandles[C];

/** Edits to the raw resources, per cloud (see components/transform.ts). */
export interface EdgeTransforms {
  aws?: aws.AwsEdgeTransforms;
  gcp?: gcp.GcpEdgeTransforms;
}

export interface EdgeArgs<C extends Cloud = Cloud> extends EdgeInputs<C> {
  /**
   * Edits to the raw resources, per cloud: a partial merged over portage's arguments, or a function
   * that edits them in place.
   * @default {}
   * @example
   * { aws: { instance: { monitoring: true } }, gcp: { address: { networkTier: "STANDARD" } } }
   */
  transform?: EdgeTransforms;
}

const build: {
  [C in Cloud]: (
    name: string,
    args: EdgeInputs<C> & { userData: pulumi.Output<string> },
    t: EdgeTransforms[C] | undefined,
    parent: pulumi.Resource,
  ) => EdgeOf<C>;
} = {
  aws: aws.createEdge,
  gcp: gcp.createEdge,
};

/**
 * The edge VM in the primary region's public subnet: a static public address (Elastic IP /
 * compute.Address), HAProxy or Traefik (`edge.kind`) in front of every node, and the SSH bastion.
 * Its own identity reads only the edge admin password. Its user-data does not depend on the node
 * list: routes are pushed and reloaded in place when nodes change (see release/routes.ts).
 *
 * @example
 * const edge = new Edge("edge", { spec, cloud: cloudSpec(spec, "aws"), providers, network });
 * edge.url; // https://<edge.domain>, or http://<public address>
 */
export class Edge<C extends Cloud = Cloud> extends pulumi.ComponentResource {
  readonly cloud: C;
  readonly publicAddress: pulumi.Output<string>;
  readonly privateAddress: pulumi.Output<string>;
  /** `https://<domain>` when a domain is set, else `http://<public address>`. */
  readonly url: pulumi.Output<string>;
  readonly handle: EdgeOf<C>;

  constructor(name: string, args: EdgeArgs<C>, opts?: pulumi.ComponentResourceOptions) {
    super("portage:edge:Edge", name, {}, opts);
    this.cloud = args.cloud.cloud;
    const userData = args.bucket.name.apply((bucket) => edgeUserData(edgeRuntime(args.spec, args.cloud, bucket)));
    this.handle = build[this.cloud](name, { ...args, userData }, args.transform?.[this.cloud], this);
    this.publicAddress = this.handle.publicAddress;
    this.privateAddress = this.handle.privateAddress;
    const domain = args.spec.edge.domain;
    this.url = domain ? pulumi.output(`https://${domain}`) : pulumi.interpolate`http://${this.publicAddress}`;
    this.registerOutputs({ publicAddress: this.publicAddress, url: this.url });
  }
}

/** The edge's on-VM settings, from the spec and the bucket's name (its agent reads the bucket). */
export function edgeRuntime(spec: Spec, cloud: CloudSpec, bucket: string): EdgeRuntime {
  const store = { provider: cloud.cloud, location: storeLocation(cloud) };
  return {
    provider: cloud.cloud,
    kind: spec.edge.kind,
    admin: { user: spec.access.adminUser, sshPublicKey: spec.access.sshPublicKey },
    app: { name: spec.app.name, ports: spec.app.ports, healthPath: spec.app.healthPath },
    domain: spec.edge.domain,
    acmeEmail: spec.edge.acmeEmail,
    adminPort: spec.edge.adminPort,
    secrets: { ...store, entries: secretRefs({ provider: cloud.cloud, prefix: spec.prefix }, edgeSecretEnv) },
    agent: { bucket: { ...store, bucket } },
  };
}
