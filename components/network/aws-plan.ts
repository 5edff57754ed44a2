import * as ipaddr from "ipaddr.js";

/**
 * The address plan inside a region's VPC (a /16 fixed by the region, see config/regions.ts).
 *
 *     10.x.0.0/24      public: the NAT gateway, and the edge in the primary region
 *     10.x.64.0/18     nodes: one /20 per zone slot (4091 addresses each); nothing else lives here,
 *                      so other regions' security groups can trust the whole range as "fleet members"
 *     10.x.192.0/22    database (primary region only): one /24 per zone slot
 *
 * Ranges are fixed per slot, never derived from the number of nodes or regions, so growing the fleet
 * never renumbers a subnet.
 */
export interface RegionAddressPlan {
  vpc: string;
  public: string;
  nodeRange: string;
  /** One per zone slot. */
  nodes: string[];
  databaseRange: string;
  /** One per zone slot. */
  database: string[];
}

/** Nodes and database subnets are spread over this many zones (fewer when a region has fewer). */
export const zoneSlots = 3;

export function regionAddressPlan(vpcCidr: string): RegionAddressPlan {
  const [address, prefix] = ipaddr.IPv4.parseCIDR(vpcCidr);
  if (prefix !== 16) throw new Error(`a region's VPC range must be a /16, got ${vpcCidr}`);
  const [a, b] = address.octets;
  const net = `${a}.${b}`;
  const slots = Array.from({ length: zoneSlots }, (_, i) => i);
  return {
    vpc: vpcCidr,
    public: `${net}.0.0/24`,
    nodeRange: `${net}.64.0/18`,
    nodes: slots.map((i) => `${net}.${64 + 16 * i}.0/20`),
    databaseRange: `${net}.192.0/22`,
    database: slots.map((i) => `${net}.${192 + i}.0/24`),
  };
}

/** What `ec2.getInstanceTypeOfferings` answers: parallel lists of instance types and zones. */
export interface ZoneOfferings {
  instanceTypes?: string[];
  locations?: string[];
}

/**
 * The zone of each slot: the region's standard zones (sorted, as AWS lists them) that offer every
 * instance type the region runs, reused round-robin when a region has fewer zones than slots.
 * If no zone offers them all (or the lookup answered nothing), all zones are used and the launch
 * itself will name the missing type.
 */
export function slotZones(available: readonly string[], offerings: ZoneOfferings, types: readonly string[]): string[] {
  if (available.length === 0) throw new Error("the region lists no available zone");
  const offered = (zone: string) =>
    types.every((type) => (offerings.locations ?? []).some((loc, i) => loc === zone && offerings.instanceTypes?.[i] === type));
  const suitable = available.filter(offered);
  const zones = suitable.length > 0 ? suitable : [...available];
  return Array.from({ length: zoneSlots }, (_, i) => zones[i % zones.length] as string);
}
