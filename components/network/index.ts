import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../cloud";
import type { Spec } from "../config";
import { createAwsNetwork, type AwsNetwork, type AwsNetworkTransforms } from "./aws";
import { createGcpNetwork, type GcpNetwork, type GcpNetworkTransforms } from "./gcp";

export interface NetworkArgs {
  spec: Spec;
  cloud: Cloud;
  /** Edit the underlying provider resources (see components/transform.ts). */
  transform?: { aws?: AwsNetworkTransforms; gcp?: GcpNetworkTransforms };
}

/**
 * Private networking for the stack, and every firewall rule.
 * - aws: a VPC per region (non-overlapping ranges), public subnet (edge, NAT gateway) and private
 *   subnets for nodes and the database, a peering mesh between regions with routes, security groups.
 * - gcp: one global VPC with a subnet per region, Cloud NAT per region, private services access for
 *   Cloud SQL, firewall rules on network tags.
 * Rules: 80/443 to the edge from anywhere; 22 to the edge from `access.adminCidrs`; app ports and 22
 * from the edge to nodes; epmd and the distribution range between nodes; Postgres from nodes; the
 * edge admin port from nodes. Nothing else in.
 */
export class Network extends pulumi.ComponentResource {
  readonly aws?: AwsNetwork;
  readonly gcp?: GcpNetwork;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("portage:network:Network", name, {}, opts);
    if (args.spec.provider === "aws") this.aws = createAwsNetwork(name, args, this);
    else this.gcp = createGcpNetwork(name, args, this);
    this.registerOutputs({});
  }
}
