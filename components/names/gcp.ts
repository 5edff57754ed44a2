import { cut, rfc1035Name } from "./fit";

/**
 * The names GCP sees, from the stack's prefix (`<app>-<stack>`, lowercase). Each follows its rule in
 * rules.ts. Resources portage does not name (VMs, networks, firewall rules, the Cloud SQL instance,
 * the bucket, the DNS zone) get Pulumi's auto-name: their logical name and a random suffix.
 */

/** A label value: lowercase letters, digits, `_` and `-`, at most 63 (a longer one is cut with a hash). */
export function labelValue(text: string): string {
  return cut(text.toLowerCase().replace(/[^a-z0-9_-]/g, "-"), 63);
}

/** Labels on every resource (`portage-stack`, `portage-production`); stack names may hold dots and be long. */
export function stackLabels(prefix: string, production: boolean): Record<string, string> {
  return { "portage-stack": labelValue(prefix), "portage-production": String(production) };
}

/** Network tags the firewall rules target: `<prefix>-edge`, `<prefix>-node`. */
export function networkTag(prefix: string, role: "edge" | "node"): string {
  return rfc1035Name(`${prefix}-${role}`, 63);
}

/**
 * A service account id (6-30 characters, RFC 1035), stable for the same input: `hello-dev-virginia-1`,
 * or a cut name with a hash (`hello-production-sao-p-1a2b3c`). Distinct inputs keep distinct ids.
 */
export function serviceAccountId(prefix: string, suffix: string): string {
  const id = rfc1035Name(`${prefix}-${suffix}`, 30);
  return id.length >= 6 ? id : `${id}-account`;
}

/** A Secret Manager secret id: `<prefix>-<env, lowercase, dashed>`, in the characters Secret Manager takes. */
export function secretId(prefix: string, env: string): string {
  return cut(`${prefix.replace(/[^A-Za-z0-9_-]/g, "-")}-${env.toLowerCase().replace(/_/g, "-")}`, 255);
}

/** The title of an IAM condition (at most 100 characters). */
export function conditionTitle(prefix: string, what: string): string {
  return `${prefix} ${what}`.slice(0, 100);
}
