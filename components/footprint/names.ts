import type * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../config";

/**
 * What a footprint is to the stack, which decides its components' logical names:
 * - `serving`: on `portage:provider`; the names stacks have always had (`network`), answering to
 *   `<cloud>-network` as well, so that a footprint built beside it can become it by a rename;
 * - `beside`: another cloud's footprint in the same program (a migration's target): `<cloud>-network`;
 * - `leaving`: the footprint a finished migration moves off: renamed `<cloud>-network` (answering to
 *   its serving names), so that the update that completes the move deletes it under names no other
 *   footprint takes, while the target becomes the serving one under the plain names;
 * - `cancelled`: a cancelled migration's target: named as `beside`; like `leaving`, its data is kept by
 *   a final snapshot instead of protection, so that dropping `portage:migration` deletes it.
 */
export type FootprintRole = "serving" | "beside" | "leaving" | "cancelled";

/** Why the stack lets go of a footprint's data (no longer protected, kept by a final snapshot), by role. */
export function lettingGo(role: FootprintRole): "moved" | "cancelled" | undefined {
  return role === "leaving" ? "moved" : role === "cancelled" ? "cancelled" : undefined;
}

/**
 * The logical name of a footprint's component, and its aliases. Children are named after their
 * component (`network` -> `network-vpc`), and Pulumi derives a child's aliases from its parent's when
 * the child's name starts with the parent's (`inheritedChildAlias` in @pulumi/pulumi resource.js; the
 * engine does the same for alias specs): an alias on the component covers all its children.
 */
export function componentName(cloud: Cloud, role: FootprintRole, base: string): { name: string; opts: pulumi.ComponentResourceOptions } {
  const prefixed = `${cloud}-${base}`;
  const names: Record<FootprintRole, { name: string; opts: pulumi.ComponentResourceOptions }> = {
    serving: { name: base, opts: { aliases: [{ name: prefixed }] } },
    beside: { name: prefixed, opts: {} },
    cancelled: { name: prefixed, opts: {} },
    leaving: { name: prefixed, opts: { aliases: [{ name: base }] } },
  };
  return names[role];
}
