import type { Spec } from "../spec";
import type { SectionInput } from "./context";

/** At most this many regions: each one is a VPC (aws) or subnet (gcp) with its own NAT, peered with all others. */
export const maxRegions = 10;

/**
 * `portage:fleet`: the regions as written (each cloud resolves them, see cloud.ts), their node counts
 * and the nodes' size.
 * The schema has checked types and ranges; what is left spans the list.
 */
export function fleetSection({ raw, problems }: SectionInput): Spec["fleet"] {
  const fleet = raw.fleet;
  if (fleet.regions.length > maxRegions)
    problems.at("fleet.regions", `${fleet.regions.length} regions; portage supports up to ${maxRegions}`);
  const regions = fleet.regions.map((r) => (typeof r === "string" ? r : r.name));
  const regionNodes = Object.fromEntries(
    fleet.regions.flatMap((r) => (typeof r === "string" || r.nodes === undefined ? [] : [[r.name, r.nodes]])),
  );
  return { regions, nodesPerRegion: fleet.nodesPerRegion, regionNodes, size: fleet.size, diskGb: fleet.diskGb };
}
