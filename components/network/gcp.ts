import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { NetworkArgs } from ".";
import type { RegionSpec } from "../config";
import { transform, type Transform } from "../transform";
import { createGcpFirewall, type GcpFirewallTransforms } from "./gcp-firewall";
import { networkTag, privateServicesRange } from "./gcp-names";

/** Per-resource escape hatches for the gcp network (see components/transform.ts). */
export interface GcpNetworkTransforms extends GcpFirewallTransforms {
  network?: Transform<gcp.compute.NetworkArgs>;
  /** Applied to each region's subnet. */
  subnet?: Transform<gcp.compute.SubnetworkArgs>;
  /** Applied to each region's Cloud Router. */
  router?: Transform<gcp.compute.RouterArgs>;
  /** Applied to each region's Cloud NAT. */
  nat?: Transform<gcp.compute.RouterNatArgs>;
  privateServicesRange?: Transform<gcp.compute.GlobalAddressArgs>;
  privateServicesConnection?: Transform<gcp.servicenetworking.ConnectionArgs>;
}

export interface GcpNetwork {
  network: gcp.compute.Network;
  /** Subnets by provider region (`us-east4`). */
  subnets: ReadonlyMap<string, gcp.compute.Subnetwork>;
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

/**
 * One global VPC with a subnet per fleet region. Routing mode GLOBAL: the fleet spans regions in one
 * network, so routes a Cloud Router learns later (a VPN or Interconnect added by the user in any
 * region) reach every region's nodes; it costs nothing while there are none.
 */
export function createGcpNetwork(name: string, args: NetworkArgs, parent: pulumi.Resource): GcpNetwork {
  const { spec } = args;
  const t = args.transform?.gcp;
  const opts = { parent, provider: args.cloud.gcpProvider() };

  const network = new gcp.compute.Network(
    ...transform(
      t?.network,
      `${name}-vpc`,
      {
        description: `portage ${spec.prefix}: the stack's private network`,
        autoCreateSubnetworks: false,
        routingMode: "GLOBAL",
      },
      opts,
    ),
  );

  const subnets = new Map<string, gcp.compute.Subnetwork>();
  const nats: gcp.compute.RouterNat[] = [];
  for (const region of spec.fleet.regions) {
    const subnet = createSubnet(name, region, network, args, opts);
    subnets.set(region.region, subnet);
    nats.push(createNat(name, region, network, subnet, args, opts));
  }

  // Private services access: Cloud SQL gets its private address from this range, over a peering.
  const range = new gcp.compute.GlobalAddress(
    ...transform(
      t?.privateServicesRange,
      `${name}-private-services`,
      {
        description: `portage ${spec.prefix}: Cloud SQL's private addresses`,
        purpose: "VPC_PEERING",
        addressType: "INTERNAL",
        address: privateServicesRange.address,
        prefixLength: privateServicesRange.prefixLength,
        network: network.id,
      },
      opts,
    ),
  );
  // Deleting it fails while Cloud SQL still holds the range (for a while after the instance is
  // gone); `pulumi destroy` then needs a second run. ABANDON would leave the peering behind,
  // which blocks deleting the network instead.
  const connection = new gcp.servicenetworking.Connection(
    ...transform(
      t?.privateServicesConnection,
      `${name}-private-services`,
      {
        network: network.id,
        service: "servicenetworking.googleapis.com",
        reservedPeeringRanges: [range.name],
      },
      opts,
    ),
  );

  const edgeTag = networkTag(spec, "edge");
  const nodeTag = networkTag(spec, "node");
  const firewalls = createGcpFirewall(name, { spec, network, edgeTag, nodeTag, transform: t }, opts);

  return { network, subnets, nats, privateServicesRange: range, privateServicesConnection: connection, firewalls, edgeTag, nodeTag };
}

/** The subnet of a fleet region; fails loudly for a region the network was not built for. */
export function gcpSubnet(network: GcpNetwork, region: string): gcp.compute.Subnetwork {
  const subnet = network.subnets.get(region);
  if (!subnet) throw new Error(`the gcp network has no subnet in ${region}`);
  return subnet;
}

type Opts = { parent: pulumi.Resource; provider: gcp.Provider };

function createSubnet(name: string, region: RegionSpec, network: gcp.compute.Network, args: NetworkArgs, opts: Opts) {
  return new gcp.compute.Subnetwork(
    ...transform(
      args.transform?.gcp?.subnet,
      `${name}-${region.key}`,
      {
        description: `portage ${args.spec.prefix}: nodes${region.primary ? ", the edge" : ""} in ${region.region}`,
        network: network.id,
        region: region.region,
        ipCidrRange: region.cidr,
        stackType: "IPV4_ONLY",
        // Nodes have no public address: Google APIs (Secret Manager, Cloud Storage) over Google's network.
        privateIpGoogleAccess: true,
        // Flow logs for audits (CIS GCP 3.8); half the flows sampled, Google's default.
        logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
      },
      opts,
    ),
  );
}

/** Egress for nodes without public addresses (packages, the OS's updates): Cloud Router + Cloud NAT. */
function createNat(
  name: string,
  region: RegionSpec,
  network: gcp.compute.Network,
  subnet: gcp.compute.Subnetwork,
  args: NetworkArgs,
  opts: Opts,
) {
  const t = args.transform?.gcp;
  const router = new gcp.compute.Router(
    ...transform(
      t?.router,
      `${name}-${region.key}-router`,
      {
        description: `portage ${args.spec.prefix}: Cloud NAT for ${region.region}`,
        network: network.id,
        region: region.region,
      },
      opts,
    ),
  );
  return new gcp.compute.RouterNat(
    ...transform(
      t?.nat,
      `${name}-${region.key}-nat`,
      {
        router: router.name,
        region: region.region,
        natIpAllocateOption: "AUTO_ONLY",
        // Only the stack's own subnet, not every subnet someone adds to the network later.
        sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
        subnetworks: [{ name: subnet.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
        logConfig: { enable: true, filter: "ERRORS_ONLY" },
      },
      opts,
    ),
  );
}
