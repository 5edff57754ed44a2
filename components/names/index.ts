import type { Cloud, Spec } from "../config/spec";
import * as aws from "./aws";
import { dnsLabel } from "./fit";
import * as gcp from "./gcp";

/**
 * Every name a cloud sees comes from here: the stack's prefix and private DNS names (both clouds),
 * and through `awsNames` / `gcpNames` what each cloud calls things, within its rules (rules.ts).
 * Names depend on the stack, never on which footprint serves: a footprint that becomes the serving
 * one keeps every cloud-side name.
 */
export { aws as awsNames, gcp as gcpNames };
export { cut, dnsLabel, hashOf, rfc1035Name } from "./fit";
export { dnsNameProblem, nameProblem, rules, type NameRule } from "./rules";

/** `<app>-<stack>`, lowercase (`hello-dev`): the start of the stack's cloud-side names. */
export function stackPrefix(app: string, stack: string): string {
  return `${app.replace(/_/g, "-")}-${stack}`.toLowerCase();
}

/** The stack's private DNS zone, `<stack>.<app>.internal` (`dev.hello.internal`), in DNS labels. */
export function clusterZone(app: string, stack: string): string {
  return `${dnsLabel(stack)}.${dnsLabel(app.replace(/_/g, "-"))}.internal`;
}

interface CloudNames {
  /** Tags / labels on every resource of the stack. */
  stackTags(prefix: string, production: boolean): Record<string, string>;
  /** Where the secret store keeps the entry `env` (`DATABASE_URL`). */
  secretRef(prefix: string, env: string): string;
  /** The database's user. */
  databaseUser(app: string): string;
}

const names: Record<Cloud, CloudNames> = {
  aws: { stackTags: aws.stackTags, secretRef: aws.parameterName, databaseUser: aws.databaseUser },
  // Postgres roles take any app name (at most 30 characters, [a-z][a-z0-9_]).
  gcp: { stackTags: gcp.stackLabels, secretRef: gcp.secretId, databaseUser: (app) => app },
};

/** `portage-stack` and `portage-production`, as the cloud's tags or labels. */
export function stackTags(spec: Pick<Spec, "prefix" | "production">, cloud: Cloud): Record<string, string> {
  return names[cloud].stackTags(spec.prefix, spec.production);
}

/** aws: the SSM parameter (`/portage/hello-dev/DATABASE_URL`); gcp: the secret id (`hello-dev-database-url`). */
export function secretName(prefix: string, cloud: Cloud, env: string): string {
  return names[cloud].secretRef(prefix, env);
}

/** The database's user on a cloud: the app name, where the cloud allows it. */
export function databaseUser(app: string, cloud: Cloud): string {
  return names[cloud].databaseUser(app);
}
