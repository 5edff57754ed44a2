import { zoneSlots } from "../config";

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
