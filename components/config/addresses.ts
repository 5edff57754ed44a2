import type { Cloud } from "./clouds";
import { providerRegions } from "./regions";

/**
 * The address plan: every private range a footprint uses, as a function of (cloud, region, space).
 * A region's ranges are fixed by the region's position in `providerRegions` (append-only), never by
 * the number of regions or nodes, so adding a region or a node never renumbers another.
 *
 * The default space, what every stack has used so far:
 *
 *     aws   10.(100+i).0.0/16 per region (i = the region's place in providerRegions.aws), a VPC each:
 *             10.x.0.0/24      public: the NAT gateway and the region's first edge
 *             10.x.1-2.0/24    public, zone slots 2 and 3: the other edges (edge.count), one per zone
 *             10.x.64.0/18     nodes: one /20 per zone slot; nothing else lives there, so other
 *                              regions' security groups can trust the whole range as "fleet members"
 *             10.x.192.0/22    database (primary region only): one /24 per zone slot
 *     gcp   10.(100+i).0.0/20 per region, a subnet of one global VPC
 *           10.200.0.0/16      Cloud SQL's private services range
 *
 * The two clouds' default plans overlap (aws us-east-1 and gcp us-central1 are both 10.100.0.0/...),
 * which is fine while a stack lives on one cloud. Two footprints joined by a VPN (a migration) need
 * disjoint plans: the target takes another `AddressSpace`.
 */
export interface AddressSpace {
  /** Names the space in messages. */
  name: string;
  /** The second octet of the first region's range: region i gets 10.(regionBase + i). */
  regionBase: number;
  /** GCP: the /16 Cloud SQL's private services access takes its addresses from. */
  privateServices: string;
}

export const defaultSpace: AddressSpace = { name: "default", regionBase: 100, privateServices: "10.200.0.0/16" };

/**
 * The spaces a stack can take (`portage:addressSpace`). Disjoint for every region of both clouds
 * (test/unit/addresses.test.ts), so a migration target, which takes the space the serving footprint
 * does not use, never overlaps it across the VPN. Each leaves room for regions appended later: the
 * alternate space's regions end below 10.100, the default's below Cloud SQL's 10.200.
 */
export const addressSpaces = {
  default: defaultSpace,
  alternate: { name: "alternate", regionBase: 20, privateServices: "10.210.0.0/16" },
} as const satisfies Record<string, AddressSpace>;
export type AddressSpaceName = keyof typeof addressSpaces;
export const addressSpaceNames = Object.keys(addressSpaces) as AddressSpaceName[];

/** The space a footprint beside one in `space` takes: the other one. */
export function otherSpace(space: AddressSpaceName): AddressSpaceName {
  return space === "default" ? "alternate" : "default";
}

/** Nodes and database subnets are spread over this many zones (fewer when a region has fewer). */
export const zoneSlots = 3;

/** An AWS region's VPC and its subnets. */
export interface AwsRegionAddresses {
  vpc: string;
  /** The first public subnet: the NAT gateway and the region's first edge. */
  public: string;
  /** One public /24 per zone slot, the first being `public`: an edge each (edge.count), and its balancer's zone. */
  edges: string[];
  /** Every public subnet of the region (edges and the NAT gateway only): what other regions' rules name. */
  edgeRange: string;
  nodeRange: string;
  /** One per zone slot. */
  nodes: string[];
  databaseRange: string;
  /** One per zone slot. */
  database: string[];
}

/** A GCP region's subnet. */
export interface GcpRegionAddresses {
  subnet: string;
}

export interface RegionAddressPlans {
  aws: AwsRegionAddresses;
  gcp: GcpRegionAddresses;
}
export type RegionAddresses<C extends Cloud> = RegionAddressPlans[C];

/** Ranges of a footprint that belong to no region. */
export interface CloudAddressPlans {
  aws: object;
  gcp: { privateServices: { address: string; prefixLength: number; cidr: string } };
}
export type CloudAddresses<C extends Cloud> = CloudAddressPlans[C];

interface Plan<C extends Cloud> {
  /** The region's own range (what RegionSpec.cidr holds) and everything inside it, from its second octet. */
  region(octet: number): { cidr: string; addresses: RegionAddresses<C> };
  cloud(space: AddressSpace): CloudAddresses<C>;
}

const plans: { [C in Cloud]: Plan<C> } = {
  aws: {
    region(octet) {
      const net = `10.${octet}`;
      const slots = Array.from({ length: zoneSlots }, (_, i) => i);
      return {
        cidr: `${net}.0.0/16`,
        addresses: {
          vpc: `${net}.0.0/16`,
          public: `${net}.0.0/24`,
          edges: slots.map((i) => `${net}.${i}.0/24`),
          edgeRange: `${net}.0.0/22`,
          nodeRange: `${net}.64.0/18`,
          nodes: slots.map((i) => `${net}.${64 + 16 * i}.0/20`),
          databaseRange: `${net}.192.0/22`,
          database: slots.map((i) => `${net}.${192 + i}.0/24`),
        },
      };
    },
    cloud: () => ({}),
  },
  gcp: {
    region: (octet) => ({ cidr: `10.${octet}.0.0/20`, addresses: { subnet: `10.${octet}.0.0/20` } }),
    cloud(space) {
      const [address = "", prefix = ""] = space.privateServices.split("/");
      return { privateServices: { address, prefixLength: Number(prefix), cidr: space.privateServices } };
    },
  },
};

export type RegionAddressLookup<C extends Cloud> =
  { ok: true; cidr: string; addresses: RegionAddresses<C> } | { ok: false; reason: string };

/** The ranges of a provider region in a space, or why it has none. */
export function regionAddresses<C extends Cloud>(cloud: C, region: string, space: AddressSpace = defaultSpace): RegionAddressLookup<C> {
  const index = providerRegions[cloud].indexOf(region);
  if (index < 0) return { ok: false, reason: `${cloud} region ${region} has no place in the address plan (providerRegions)` };
  const octet = space.regionBase + index;
  if (octet > 255) return { ok: false, reason: `${cloud} region ${region} falls outside the ${space.name} address space` };
  return { ok: true, ...plans[cloud].region(octet) };
}

/** The ranges of a footprint on a cloud that belong to no region. */
export function cloudAddresses<C extends Cloud>(cloud: C, space: AddressSpace = defaultSpace): CloudAddresses<C> & { space: AddressSpace } {
  return { ...plans[cloud].cloud(space), space };
}
