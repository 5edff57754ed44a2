import { zoneSlots } from "../config";

/** What `ec2.getInstanceTypeOfferings` answers: parallel lists of instance types and zones. */
export interface ZoneOfferings {
  instanceTypes?: string[];
  locations?: string[];
}

/** An instance type the region runs, and the config key that chose it (for the error). */
export interface NeededType {
  type: string;
  key: string;
}

/**
 * The zone of each slot: the region's standard zones (sorted, as AWS lists them) that offer every
 * instance type the region runs, reused round-robin when a region has fewer zones than slots. No
 * zone offering them all is an error naming the config key, before any VM is launched
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-discovery.html).
 */
export function slotZones(region: string, available: readonly string[], offerings: ZoneOfferings, needs: readonly NeededType[]): string[] {
  if (available.length === 0) throw new Error(`${region} lists no available zone`);
  const offers = (zone: string, type: string) =>
    (offerings.locations ?? []).some((loc, i) => loc === zone && offerings.instanceTypes?.[i] === type);
  const missing = needs.filter((n) => !available.some((zone) => offers(zone, n.type)));
  if (missing.length > 0) {
    throw new Error(
      missing
        .map(
          (n) =>
            `${n.key}: "${n.type}" is offered in no zone of ${region}; choose another size (aws ec2 describe-instance-type-offerings ` +
            `--location-type availability-zone --region ${region} --filters Name=instance-type,Values=${n.type})`,
        )
        .join("\n"),
    );
  }
  const suitable = available.filter((zone) => needs.every((n) => offers(zone, n.type)));
  if (suitable.length === 0) {
    throw new Error(
      `${needs.map((n) => `${n.key} "${n.type}"`).join(" and ")}: no zone of ${region} offers both; choose sizes one zone offers together`,
    );
  }
  return Array.from({ length: zoneSlots }, (_, i) => suitable[i % suitable.length] as string);
}
