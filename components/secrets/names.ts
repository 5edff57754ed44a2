import type { Spec } from "../config";

/**
 * The entries of the stack's secret store, as the env names a node's env file gets.
 * Names are derived from the spec alone, so that user-data and IAM grants can refer to them
 * without depending on the secret resources (which would tie VMs to the database's lifetime).
 */
export const nodeSecretEnv = ["DATABASE_URL", "SECRET_KEY_BASE", "RELEASE_COOKIE", "PHX_HOST", "EDGE_ADMIN_PASSWORD"] as const;
export type SecretEnv = (typeof nodeSecretEnv)[number];
/** The edge reads only its admin password. */
export const edgeSecretEnv: readonly SecretEnv[] = ["EDGE_ADMIN_PASSWORD"];

export interface SecretRef {
  /** The variable in the env file, e.g. `DATABASE_URL`. */
  env: SecretEnv;
  /** aws: the SSM parameter name (`/portage/hello-dev/DATABASE_URL`); gcp: the Secret Manager secret id (`hello-dev-database-url`). */
  ref: string;
}

export function secretRef(spec: Pick<Spec, "provider" | "prefix">, env: SecretEnv): SecretRef {
  const ref = spec.provider === "aws" ? `${secretPathPrefix(spec)}${env}` : `${spec.prefix}-${env.toLowerCase().replace(/_/g, "-")}`;
  return { env, ref };
}

export function secretRefs(spec: Pick<Spec, "provider" | "prefix">, envs: readonly SecretEnv[] = nodeSecretEnv): SecretRef[] {
  return envs.map((env) => secretRef(spec, env));
}

/** aws: the SSM path all of the stack's parameters live under (what IAM grants read on). */
export function secretPathPrefix(spec: Pick<Spec, "prefix">): string {
  return `/portage/${spec.prefix}/`;
}
