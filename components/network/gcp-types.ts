import type * as gcp from "@pulumi/gcp";
import type { Transform } from "../transform";

/** Per-resource escape hatches for the gcp network (see components/transform.ts). */
export interface GcpNetworkTransforms {
  network?: Transform<gcp.compute.NetworkArgs>;
  /** Applied to each region's subnet. */
  subnet?: Transform<gcp.compute.SubnetworkArgs>;
  /** Applied to each region's Cloud Router. */
  router?: Transform<gcp.compute.RouterArgs>;
  /** Applied to each region's Cloud NAT. */
  nat?: Transform<gcp.compute.RouterNatArgs>;
  privateServicesRange?: Transform<gcp.compute.GlobalAddressArgs>;
  privateServicesConnection?: Transform<gcp.servicenetworking.ConnectionArgs>;
  /** Applied to every firewall rule; the callback's `name` says which (`network-edge-web`, ...). */
  firewall?: Transform<gcp.compute.FirewallArgs>;
}

/** The gcp network's handle: what the other gcp implementations build on. */
export interface GcpNetwork {
  network: gcp.compute.Network;
  /** Subnets by region key (`virginia`). */
  subnets: ReadonlyMap<string, gcp.compute.Subnetwork>;
  /** The subnet of one of the footprint's regions, by its key. */
  subnet(key: string): gcp.compute.Subnetwork;
  nats: gcp.compute.RouterNat[];
  /** The range Cloud SQL takes its private address from. */
  privateServicesRange: gcp.compute.GlobalAddress;
  /** The peering Cloud SQL's private address needs; the database depends on it. */
  privateServicesConnection: gcp.servicenetworking.Connection;
  firewalls: gcp.compute.Firewall[];
  /** Network tags the firewall rules target. */
  edgeTag: string;
  nodeTag: string;
}
