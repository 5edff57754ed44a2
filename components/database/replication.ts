import type { Spec } from "../config";

/**
 * What change data capture needs on the database, set when it is created so that every stack can
 * move to the other cloud (issue 11) without a restart then: logical decoding, pglogical preloaded
 * (Google's Database Migration Service needs it; portage's own replication does not, it is free to
 * keep the option), room for the replication's slots, senders and workers, and a bound on the WAL a
 * stalled replication may keep (without one it keeps WAL until the disk is full).
 *
 * An existing database takes them at its next `pulumi up` without a replacement. RDS: the static
 * parameters wait for the next reboot (applyMethod pending-reboot), `portage-migrate check` refuses
 * to replicate until `wal_level` is logical. Cloud SQL: changing a flag that needs a restart restarts
 * the instance when it is applied, so that `pulumi up` restarts it once (README: Moving to another cloud).
 */

/** Slots and senders: one per replication direction and one per table copied at a time, with room to spare. */
const slots = 10;
/** The subscription's apply worker and up to two table-copy workers (PostgreSQL's default per subscription). */
const workers = 4;

/** At most a quarter of the disk (in MB) kept for a replication that stopped reading; then its slot is invalidated. */
export function walKeepMb(spec: Pick<Spec, "database">): number {
  return spec.database.storageGb * 256;
}

/**
 * RDS parameters. Sources: "Performing logical replication for Amazon RDS for PostgreSQL" (rds.logical_replication
 * is static: a reboot), "Setting up the pglogical extension" (shared_preload_libraries, static), and the
 * parameter group's own list (max_replication_slots, max_wal_senders, max_logical_replication_workers are
 * static; max_slot_wal_keep_size is dynamic). A static parameter cannot be applied "immediate".
 */
export function rdsReplicationParameters(spec: Pick<Spec, "database">): { name: string; value: string; applyMethod: string }[] {
  const reboot = (name: string, value: string | number) => ({ name, value: String(value), applyMethod: "pending-reboot" });
  return [
    reboot("rds.logical_replication", 1),
    // RDS's default list is pg_stat_statements: kept.
    reboot("shared_preload_libraries", "pg_stat_statements,pglogical"),
    reboot("max_replication_slots", slots),
    reboot("max_wal_senders", slots),
    reboot("max_logical_replication_workers", workers),
    { name: "max_slot_wal_keep_size", value: String(walKeepMb(spec)), applyMethod: "immediate" },
  ];
}

/**
 * Cloud SQL flags. Sources: "Set up logical replication and decoding" (cloudsql.logical_decoding,
 * cloudsql.enable_pglogical) and "Configure database flags" (each of these but max_slot_wal_keep_size
 * requires a restart).
 */
export function cloudSqlReplicationFlags(spec: Pick<Spec, "database">): { name: string; value: string }[] {
  return [
    { name: "cloudsql.logical_decoding", value: "on" },
    { name: "cloudsql.enable_pglogical", value: "on" },
    { name: "max_replication_slots", value: String(slots) },
    { name: "max_wal_senders", value: String(slots) },
    { name: "max_logical_replication_workers", value: String(workers) },
    { name: "max_slot_wal_keep_size", value: String(walKeepMb(spec)) },
  ];
}
