/**
 * The data plane of a migration between clouds (issue 11): `portage-migrate`, the tool a node of
 * either fleet runs for every database step (the operator's machine has no path to the databases),
 * and the source edge's forwarding to the target edge during cutover. The cloud side (VPN, target
 * footprint, the steps as stack resources through the node agent) builds on these contracts.
 */
import { script } from "../node/scripts";
import type { VmFile } from "../node/types";

export { edgeForwardRoutesFiles } from "../node/edge";
export { haproxyForwardConfig } from "../node/haproxy-forward";
export { traefikForwardConfig } from "../node/traefik-forward";
export type { EdgeForward } from "../node/types";

/** The tool as a node gets it (`/usr/local/bin/portage-migrate`; needs bash and postgresql-client). */
export function migrationToolFile(): VmFile {
  return script("portage-migrate");
}

/** Where each side's database is, as `portage-migrate` reads it from its environment. */
export interface MigrationEndpoints {
  /** postgresql:// URL of the database the stack came from, as the node running the tool reaches it. */
  source: string;
  /** postgresql:// URL of the database the stack moves to. */
  target: string;
  /** How the target database reaches the source (its subscription's connection); default: `source` with sslmode=require. */
  sourcePeer?: string;
  /** How the source database reaches the target (the reverse subscription); default: `target` with sslmode=require. */
  targetPeer?: string;
  /** A role allowed to CREATE SUBSCRIPTION on the source / target when the app's role is not (vanilla PostgreSQL 15). */
  sourceSubscriber?: string;
  targetSubscriber?: string;
  /** Tables without a primary key replicate with REPLICA IDENTITY FULL instead of being refused. */
  fullIdentity?: boolean;
  /** How the node checks each server: the CA (an https URL or a key of its bucket) and the sslmode. */
  sourceServer?: { ca: string; sslmode: string };
  targetServer?: { ca: string; sslmode: string };
}

/** The environment of a `portage-migrate` run (secret: it holds the databases' passwords; never in user-data or logs). */
export function migrationEnv(e: MigrationEndpoints): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PORTAGE_MIGRATE_SOURCE: e.source,
    PORTAGE_MIGRATE_TARGET: e.target,
    PORTAGE_MIGRATE_SOURCE_PEER: e.sourcePeer,
    PORTAGE_MIGRATE_TARGET_PEER: e.targetPeer,
    PORTAGE_MIGRATE_SOURCE_SUBSCRIBER: e.sourceSubscriber,
    PORTAGE_MIGRATE_TARGET_SUBSCRIBER: e.targetSubscriber,
    PORTAGE_MIGRATE_FULL_IDENTITY: e.fullIdentity ? "1" : undefined,
    PORTAGE_MIGRATE_SOURCE_CA: e.sourceServer?.ca,
    PORTAGE_MIGRATE_SOURCE_SSLMODE: e.sourceServer?.sslmode,
    PORTAGE_MIGRATE_TARGET_CA: e.targetServer?.ca,
    PORTAGE_MIGRATE_TARGET_SSLMODE: e.targetServer?.sslmode,
  };
  return Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => kv[1] !== undefined));
}

/** Exit codes of `portage-migrate`, by meaning. */
export const migrateExit = { done: 0, failed: 1, usage: 2, refused: 3, tablesDiffer: 4, timedOut: 5 } as const;
