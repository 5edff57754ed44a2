import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { RegionSpec } from "../config";
import { gcpNames } from "../names";
import { transform } from "../transform";
import { createFirewall } from "./gcp-firewall";
import type { GcpNetwork, GcpNetworkTransforms, GcpRegionNetwork } from "./gcp-types";
import type { NetworkInputs } from "./types";

export type { GcpNetwork, GcpNetworkTransforms, GcpRegionNetwork } from "./gcp-types";

/**
 * One global VPC with a subnet per fleet region. Routing mode GLOBAL: the fleet spans regions in one
 * network, so routes a Cloud Router learns later (a VPN or Interconnect added by the user in any
 * region) reach every region's nodes; it costs nothing while there are none.
 */
export function createNetwork(name: string, args: NetworkInputs<"gcp">, t: GcpNetworkTransforms = {}, parent: pulumi.Resource): GcpNetwork {
  const { spec, cloud } = args;
  const opts = { parent, provider: args.providers.handle.provider };

  const network = new gcp.compute.Network(
    ...transform(
      t.network,
      `${name}-vpc`,
      {
        description: `portage ${spec.prefix}: the stack's private network`,
        autoCreateSubnetworks: false,
        routingMode: "GLOBAL",
      },
      opts,
    ),
  );

  const createRegion = (region: RegionSpec<"gcp">): GcpRegionNetwork => {
    const subnet = createSubnet(name, region, network, args, t, opts);
    return { region, subnet, nat: createNat(name, region, network, subnet, args, t, opts) };
  };
  const primary = createRegion(cloud.primary);
  const regions = cloud.regions.map((region) => (region === cloud.primary ? primary : createRegion(region)));

  // Private services access: Cloud SQL gets its private address from this range, over a peering.
  const privateServices = cloud.addresses.privateServices;
  const range = new gcp.compute.GlobalAddress(
    ...transform(
      t.privateServicesRange,
      `${name}-private-services`,
      {
        description: `portage ${spec.prefix}: Cloud SQL's private addresses`,
        purpose: "VPC_PEERING",
        addressType: "INTERNAL",
        address: privateServices.address,
        prefixLength: privateServices.prefixLength,
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
      t.privateServicesConnection,
      `${name}-private-services`,
      {
        network: network.id,
        service: "servicenetworking.googleapis.com",
        reservedPeeringRanges: [range.name],
      },
      opts,
    ),
  );

  const edgeTag = gcpNames.networkTag(spec.prefix, "edge");
  const nodeTag = gcpNames.networkTag(spec.prefix, "node");
  const firewalls = createFirewall(name, { spec, cloud, network, edgeTag, nodeTag, transform: t }, opts);

  return {
    network,
    regions,
    primary,
    privateServicesRange: range,
    privateServicesConnection: connection,
    firewalls,
    edgeTag,
    nodeTag,
  };
}

type Opts = { parent: pulumi.Resource; provider: gcp.Provider };

function createSubnet(
  name: string,
  region: RegionSpec<"gcp">,
  network: gcp.compute.Network,
  args: NetworkInputs<"gcp">,
  t: GcpNetworkTransforms,
  opts: Opts,
) {
  return new gcp.compute.Subnetwork(
    ...transform(
      t.subnet,
      `${name}-${region.key}`,
      {
        description: `portage ${args.spec.prefix}: nodes${region.primary ? ", the edge" : ""} in ${region.region}`,
        network: network.id,
        region: region.region,
        ipCidrRange: region.addresses.subnet,
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
  region: RegionSpec<"gcp">,
  network: gcp.compute.Network,
  subnet: gcp.compute.Subnetwork,
  args: NetworkInputs<"gcp">,
  t: GcpNetworkTransforms,
  opts: Opts,
) {
  const router = new gcp.compute.Router(
    ...transform(
      t.router,
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
      t.nat,
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
