import type { Problems } from "../errors";
import type { RawConfig } from "../schema";

/** What the stack's provider namespaces say (the keys portage reads besides its own). */
export interface ProviderConfig {
  aws: { profile?: string };
  gcp: { project?: string };
}

export interface StackContext {
  project: string;
  stack: string;
  /** Relative release paths are taken from here (the project directory). */
  cwd: string;
  /** Provider-namespaced config the program uses (`aws:profile`, `gcp:project`). */
  aws: ProviderConfig["aws"];
  gcp: ProviderConfig["gcp"];
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
