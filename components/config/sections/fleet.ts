import type { Spec } from "../spec";
import type { SectionInput } from "./context";

/** At most this many regions: each one is a VPC (aws) or subnet (gcp) with its own NAT, peered with all others. */
export const maxRegions = 10;

/**
 * `portage:fleet`: the regions as written (each cloud resolves them, see cloud.ts) and the nodes' size.
 * The schema has checked types and ranges; what is left spans the list.
 */
export function fleetSection({ raw, problems }: SectionInput): Spec["fleet"] {
  const fleet = raw.fleet;
  if (fleet.regions.length > maxRegions)
    problems.at("fleet.regions", `${fleet.regions.length} regions; portage supports up to ${maxRegions}`);
  return { regions: [...fleet.regions], nodesPerRegion: fleet.nodesPerRegion, size: fleet.size, diskGb: fleet.diskGb };
}
