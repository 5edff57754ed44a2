import { cut, hashOf } from "./fit";

/**
 * The names AWS sees, from the stack's prefix (`<app>-<stack>`, lowercase). Each follows its rule in
 * rules.ts. Resources portage does not name (security groups, IAM roles and profiles, the RDS
 * instance and its groups) get Pulumi's auto-name: their logical name and a random suffix.
 */

/** Tags on every resource (`portage-stack`, `portage-production`): AWS tag values take the prefix as it is. */
export function stackTags(prefix: string, production: boolean): Record<string, string> {
  return { "portage-stack": cut(prefix, 256), "portage-production": String(production) };
}

/** The `Name` tag the console shows: `<prefix>-<what>`. */
export function nameTag(prefix: string, what: string): string {
  return cut(`${prefix}-${what}`, 256);
}

/** The SSM path of the stack's parameters (`/portage/<prefix>/`); the nodes' IAM policy grants it. */
export function parameterPath(prefix: string): string {
  return `/portage/${prefix}/`;
}

/** An SSM parameter of the stack: `/portage/<prefix>/<ENV>`. */
export function parameterName(prefix: string, env: string): string {
  return `${parameterPath(prefix)}${env}`;
}

/** The IAM path of the stack's roles and instance profiles: `/portage/<prefix>/`, in IAM's characters. */
export function iamPath(prefix: string): string {
  return `/portage/${prefix.replace(/[^A-Za-z0-9_+=,.@-]/g, "-")}/`;
}

/**
 * The bucket's prefix; AWS appends a unique suffix (bucket names are global). At most 37 characters,
 * no periods (virtual-hosted TLS), and never one of the prefixes S3 reserves. No hash when it is cut:
 * the suffix already makes the name unique, and existing buckets keep their prefix.
 */
export function bucketPrefix(prefix: string): string {
  const clean = prefix.replace(/[^a-z0-9-]/g, "-");
  const allowed = /^(xn--|sthree-|amzn-s3-demo-)/.test(clean) ? `p-${clean}` : clean;
  return `${allowed.slice(0, 36)}-`;
}

/** The RDS instance's final snapshot (production): letters, digits and single hyphens, starting with a letter. */
export function finalSnapshotIdentifier(prefix: string): string {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, 50)
    .replace(/-$/, "");
  return `${clean || "portage"}-final`;
}

/**
 * The RDS master user: at most 16 letters, digits and underscores. The app name when it fits (every
 * app name is a valid Postgres role), else its first nine characters and a hash.
 */
export function databaseUser(app: string): string {
  return app.length <= 16 ? app : `${app.slice(0, 9)}_${hashOf(app)}`;
}

/**
 * A Network Load Balancer's or target group's name, `<prefix>-<what>`: letters, digits and single
 * hyphens, at most 32 (cut with a hash), never starting with "internal-"; unique per account and region.
 */
export function balancerName(prefix: string, what: string): string {
  const clean = `${prefix}-${what}`
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
  return cut(/^internal-/i.test(clean) ? `p-${clean}` : clean, 32);
}
