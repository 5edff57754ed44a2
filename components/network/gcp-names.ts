import { createHash } from "node:crypto";
import type { Spec } from "../config";

/**
 * GCP-side names derived from the spec alone, so that VMs, firewall rules and IAM grants can refer to
 * each other without depending on one another's resources.
 */

/**
 * The range Cloud SQL's private services access uses (a /16 above the region subnets,
 * 10.100.0.0 - 10.163.255.255, see config/regions.ts). The edge's egress to Postgres is denied here.
 */
export const privateServicesRange = { address: "10.200.0.0", prefixLength: 16, cidr: "10.200.0.0/16" } as const;

/** Network tags the firewall rules target: `<prefix>-edge`, `<prefix>-node` (RFC 1035, at most 63 characters). */
export function networkTag(spec: Pick<Spec, "prefix">, role: "edge" | "node"): string {
  return shortName(`${spec.prefix}-${role}`, 63);
}

/**
 * A service account id (6-30 characters of `[a-z0-9-]`, starting with a letter), stable for the same
 * input: `hello-dev-virginia-1`, or a cut name with a hash when the name is longer
 * (`hello-production-sao-p-1a2b3c`). Distinct inputs keep distinct ids.
 */
export function serviceAccountId(spec: Pick<Spec, "prefix">, suffix: string): string {
  const id = shortName(`${spec.prefix}-${suffix}`, 30);
  return id.length >= 6 ? id : `${id}-account`;
}

/** `[a-z]([-a-z0-9]*[a-z0-9])?` within `max` characters; cut names end with a hash of the full name. */
export function shortName(text: string, max: number): string {
  let name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(name)) name = `p-${name}`;
  if (name.length <= max) return name;
  const tail = hash(name, 6);
  return `${name.slice(0, max - tail.length - 1).replace(/-+$/, "")}-${tail}`;
}

function hash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** The stack's GCP project (validated to be set when the provider is gcp). */
export function gcpProject(spec: Pick<Spec, "gcp">): string {
  if (!spec.gcp.project) throw new Error("gcp:project: is required when portage:provider is gcp");
  return spec.gcp.project;
}
