import type { Problems } from "../errors";
import type { RawConfig } from "../schema";
import { clouds, type Cloud } from "../clouds";

/** Each provider's keys portage reads, and what they mean (the README's config reference lists them). */
export const providerKeys = {
  aws: { profile: { key: "aws:profile", meaning: "The AWS CLI profile for credentials, passed to every regional provider." } },
  gcp: { project: { key: "gcp:project", meaning: "The GCP project; required when `portage:provider` is gcp." } },
} satisfies Record<Cloud, Record<string, { key: string; meaning: string }>>;

/** What the stack's provider namespaces say: `{ aws: { profile?: string }, gcp: { project?: string } }`. */
export type ProviderConfig = { [C in Cloud]: { [F in keyof (typeof providerKeys)[C]]?: string } };

/** The provider keys a stack's flat config holds (`{"aws:profile": "work"}` -> `{ aws: { profile: "work" }, gcp: {} }`). */
export function readProviderConfig(config: Record<string, string | undefined>): ProviderConfig {
  const read = (cloud: Cloud) =>
    Object.fromEntries(Object.entries(providerKeys[cloud]).flatMap(([field, { key }]) => (config[key] ? [[field, config[key]]] : [])));
  // Built from providerKeys, so it has exactly ProviderConfig's keys.
  return Object.fromEntries(clouds.map((cloud) => [cloud, read(cloud)])) as unknown as ProviderConfig;
}

export interface StackContext {
  project: string;
  stack: string;
  /** Relative release paths are taken from here (the project directory). */
  cwd: string;
  /** Provider-namespaced config the program uses (`aws:profile`, `gcp:project`). */
  providers: ProviderConfig;
}

/** What every section validator gets: the whole parsed config (some rules span sections), the stack, the problem list. */
export interface SectionInput {
  raw: RawConfig;
  ctx: StackContext;
  problems: Problems;
}

/** Ports the edge and the nodes use for themselves; app and distribution ports must not collide with them. */
export const reservedPorts = { epmd: 4369, edgeAdmin: 8404, ssh: 22 };

/** Shortens a long value for a message. */
export function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
