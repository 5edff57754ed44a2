import type { Cloud } from "../config/spec";
import { secretName } from "../names";

/**
 * The entries of the stack's secret store, as the env names a node's env file gets.
 * Names are derived from the spec alone (components/names), so that user-data and IAM grants can
 * refer to them without depending on the secret resources (which would tie VMs to the database's lifetime).
 */
export const nodeSecretEnv = ["DATABASE_URL", "SECRET_KEY_BASE", "RELEASE_COOKIE", "PHX_HOST", "EDGE_ADMIN_PASSWORD"] as const;
/** A read replica's URL (database.replicas): only the nodes of the replica's region read it, under this name. */
export const replicaSecretEnv = "DATABASE_REPLICA_URL";
export type SecretEnv = (typeof nodeSecretEnv)[number] | typeof replicaSecretEnv;
/**
 * The app's own settings (`portage:app.env`, plain) and secrets (`portage:app.secrets`): one store
 * entry each, `NAME="value"` lines (components/node/app-env.ts). Fixed names, so the user's names
 * and values never reach user-data or IAM; the nodes read them at boot and before every deploy.
 */
export const appSettingsEnv = ["APP_ENV", "APP_SECRETS"] as const;
export type AppSettingsEnv = (typeof appSettingsEnv)[number];
/** Every entry of the store. */
export type StoreEnv = SecretEnv | AppSettingsEnv;
/** What a node may read: the secrets its env file gets, and the app's settings entries. */
export const nodeStoreEnv: readonly StoreEnv[] = [...nodeSecretEnv, ...appSettingsEnv];
/** The edge reads only its admin password. */
export const edgeSecretEnv: readonly SecretEnv[] = ["EDGE_ADMIN_PASSWORD"];

export interface SecretRef<E extends StoreEnv = SecretEnv> {
  /** The variable in the env file, e.g. `DATABASE_URL` (or the settings entry, `APP_ENV`). */
  env: E;
  /** aws: the SSM parameter name (`/portage/hello-dev/DATABASE_URL`); gcp: the Secret Manager secret id (`hello-dev-database-url`). */
  ref: string;
}

/** Whose store: the cloud that keeps it and the stack's prefix. */
export interface SecretStore {
  provider: Cloud;
  prefix: string;
}

export function secretRef<E extends StoreEnv>(store: SecretStore, env: E): SecretRef<E> {
  return { env, ref: secretName(store.prefix, store.provider, env) };
}

export function secretRefs(store: SecretStore, envs?: readonly SecretEnv[]): SecretRef[];
export function secretRefs<E extends StoreEnv>(store: SecretStore, envs: readonly E[]): SecretRef<E>[];
export function secretRefs(store: SecretStore, envs: readonly StoreEnv[] = nodeSecretEnv): SecretRef<StoreEnv>[] {
  return envs.map((env) => secretRef(store, env));
}

/**
 * A region's read replica URL: one store entry per replica region (`DATABASE_REPLICA_URL_LONDON`:
 * SSM `/portage/<prefix>/DATABASE_REPLICA_URL_LONDON`, Secret Manager `<prefix>-database-replica-url-london`),
 * read into the env file of that region's nodes as DATABASE_REPLICA_URL.
 */
export function replicaSecretRef(store: SecretStore, regionKey: string): SecretRef {
  const suffix = regionKey.toUpperCase().replace(/[^A-Z0-9]/g, "_");
  return { env: replicaSecretEnv, ref: secretName(store.prefix, store.provider, `${replicaSecretEnv}_${suffix}`) };
}
