import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../cloud";
import type { Spec } from "../config";
import type { Edge } from "../edge";
import type { Fleet } from "../fleet";
import type { Network } from "../network";
import { createAwsClusterDns, type AwsClusterDnsTransforms } from "./aws";
import { createGcpClusterDns, type GcpClusterDnsTransforms } from "./gcp";

export interface ClusterDnsArgs {
  spec: Spec;
  cloud: Cloud;
  network: Network;
  fleet: Fleet;
  edge: Edge;
  transform?: { aws?: AwsClusterDnsTransforms; gcp?: GcpClusterDnsTransforms };
}

/**
 * The stack's private DNS zone (`cluster.zone`, Route53 private hosted zone associated with every
 * region's VPC / Cloud DNS private zone on the VPC) with `nodes.<zone>` resolving to every node's
 * private address (what dns_cluster or libcluster's DNSPoll poll) and `edge.<zone>` to the edge's.
 */
export class ClusterDns extends pulumi.ComponentResource {
  readonly zone: string;
  readonly nodesName: string;
  readonly edgeName: string;
  /** The records' resources, for `dependsOn`. */
  readonly records: pulumi.Resource[];

  constructor(name: string, args: ClusterDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("portage:dns:ClusterDns", name, {}, opts);
    this.zone = args.spec.cluster.zone;
    this.nodesName = args.spec.cluster.nodesName;
    this.edgeName = args.spec.cluster.edgeName;
    this.records = args.spec.provider === "aws" ? createAwsClusterDns(name, args, this) : createGcpClusterDns(name, args, this);
    this.registerOutputs({});
  }
}
