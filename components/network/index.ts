import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../config";
import * as aws from "./aws";
import * as gcp from "./gcp";
import type { NetworkInputs } from "./types";

export type { AwsNetwork, AwsNetworkTransforms, AwsRegionNetwork } from "./aws";
export type { GcpNetwork, GcpNetworkTransforms, GcpRegionNetwork } from "./gcp";
export type { NetworkInputs } from "./types";

/** Each cloud's network handle: what the other components of its footprint build on. */
export interface NetworkHandles {
  aws: aws.AwsNetwork;
  gcp: gcp.GcpNetwork;
}
export type NetworkOf<C extends Cloud> = NetworkHandles[C];

/** Edits to the raw resources, per cloud (see components/transform.ts). */
export interface NetworkTransforms {
  aws?: aws.AwsNetworkTransforms;
  gcp?: gcp.GcpNetworkTransforms;
}

export interface NetworkArgs<C extends Cloud = Cloud> extends NetworkInputs<C> {
  /**
   * Edits to the raw resources, per cloud: a partial merged over portage's arguments, or a function
   * that edits them in place. Applies to this component on whichever cloud it is built.
   * @default {}
   * @example
   * { aws: { vpc: { tags: { team: "web" } } }, gcp: { subnet: (args) => { args.logConfig = undefined; } } }
   */
  transform?: NetworkTransforms;
}

const build: {
  [C in Cloud]: (name: string, args: NetworkInputs<C>, t: NetworkTransforms[C] | undefined, parent: pulumi.Resource) => NetworkOf<C>;
} = {
  aws: aws.createNetwork,
  gcp: gcp.createNetwork,
};

/**
 * Private networking for one cloud's footprint, and every firewall rule.
 * - aws: a VPC per region (non-overlapping ranges), public subnet (edge, NAT gateway) and private
 *   subnets for nodes and the database, a peering mesh between regions with routes, security groups.
 * - gcp: one global VPC with a subnet per region, Cloud NAT per region, private services access for
 *   Cloud SQL, firewall rules on network tags.
 * Rules: 80/443 to the edge from anywhere; 22 to the edge from `access.adminCidrs`; app ports and 22
 * from the edge to nodes; epmd and the distribution range between nodes; Postgres from nodes; the
 * edge admin port from nodes. Nothing else in.
 *
 * @example
 * const network = new Network("network", { spec, cloud: cloudSpec(spec, "aws"), providers });
 * network.handle.primary.publicSubnet; // typed: a Network<"aws"> holds an AwsNetwork
 */
export class Network<C extends Cloud = Cloud> extends pulumi.ComponentResource {
  readonly cloud: C;
  readonly handle: NetworkOf<C>;

  constructor(name: string, args: NetworkArgs<C>, opts?: pulumi.ComponentResourceOptions) {
    super("portage:network:Network", name, {}, opts);
    this.cloud = args.cloud.cloud;
    this.handle = build[this.cloud](name, args, args.transform?.[this.cloud], this);
    this.registerOutputs({});
  }
}
