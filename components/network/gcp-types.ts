import type * as gcp from "@pulumi/gcp";
import type { RegionSpec } from "../config";
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

/** A region's part of the global network. */
export interface GcpRegionNetwork {
  region: RegionSpec<"gcp">;
  subnet: gcp.compute.Subnetwork;
  nat: gcp.compute.RouterNat;
}

/** The gcp network's handle: what the other gcp implementations build on. */
export interface GcpNetwork {
  network: gcp.compute.Network;
  /** In the order of `fleet.regions`; the first is primary. */
  regions: GcpRegionNetwork[];
  primary: GcpRegionNetwork;
  /** The range Cloud SQL takes its private address from. */
  privateServicesRange: gcp.compute.GlobalAddress;
  /** The peering Cloud SQL's private address needs; the database depends on it. */
  privateServicesConnection: gcp.servicenetworking.Connection;
  firewalls: gcp.compute.Firewall[];
  /** Network tags the firewall rules target. */
  edgeTag: string;
  nodeTag: string;
}
