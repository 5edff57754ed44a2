import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { Spec } from "../config";
import { stackTags } from "../names";
import { transform, type Transform } from "../transform";
import { cloudSqlReplicationFlags } from "./replication";
import { leavingTag, type DatabaseCredentials, type DatabaseEndpoint, type DatabaseInputs, type ReplicaEndpoint } from "./types";

/** Per-resource escape hatches for the gcp database (see components/transform.ts). */
export interface GcpDatabaseTransforms {
  instance?: Transform<gcp.sql.DatabaseInstanceArgs>;
  /** Each read replica (database.replicas). */
  replica?: Transform<gcp.sql.DatabaseInstanceArgs>;
  database?: Transform<gcp.sql.DatabaseArgs>;
  user?: Transform<gcp.sql.UserArgs>;
}

export interface GcpDatabase extends DatabaseEndpoint {
  instance: gcp.sql.DatabaseInstance;
  /** The read replicas of `database.replicas`, in fleet order. */
  replicas: (ReplicaEndpoint & { instance: gcp.sql.DatabaseInstance })[];
  database: gcp.sql.Database;
  user: gcp.sql.User;
}

/**
 * Cloud SQL for Postgres in the primary region, reachable on its private address only (private
 * services access), TLS required, backups with point-in-time recovery, a standby in another zone
 * when `database.highAvailability`. In production it cannot be deleted: not by Pulumi (protect,
 * deletionProtection) and not from the console or gcloud (deletionProtectionEnabled), and a final
 * backup is taken if it ever is.
 */
export function createDatabase(
  name: string,
  args: DatabaseInputs<"gcp"> & DatabaseCredentials,
  t: GcpDatabaseTransforms = {},
  parent: pulumi.Resource,
): GcpDatabase {
  const { spec, cloud } = args;
  const network = args.network.handle;
  // Let go of (a finished migration's source, a cancelled one's target): deletable by the update that
  // closes the migration, with a final backup kept.
  const leaving = args.leaving !== undefined;
  const guarded = spec.production && !leaving;
  const opts = { parent, provider: args.providers.handle.provider, protect: guarded };
  const db = spec.database;

  // What the primary and its read replicas share: private address only, TLS only, the same tier,
  // disk and flags (a hot standby needs max_wal_senders and the like at least the primary's).
  const shared = {
    databaseVersion: `POSTGRES_${db.version}`,
    // The provider's default is true: a dev stack must stay easy to tear down.
    deletionProtection: guarded,
    settings: {
      // Custom and shared-core tiers exist on ENTERPRISE only; Postgres 16+ defaults to ENTERPRISE_PLUS.
      edition: "ENTERPRISE",
      tier: cloud.database.tier,
      diskType: "PD_SSD",
      diskSize: db.storageGb,
      diskAutoresize: true,
      ipConfiguration: {
        ipv4Enabled: false, // the API's default is a public address
        privateNetwork: network.network.id,
        allocatedIpRange: network.privateServicesRange.name,
        // Postgrex with `ssl: true` encrypts without a client certificate; plain connections are refused.
        sslMode: "ENCRYPTED_ONLY",
      },
      deletionProtectionEnabled: guarded,
      databaseFlags: [
        { name: "log_connections", value: "on" },
        { name: "log_disconnections", value: "on" },
        { name: "log_checkpoints", value: "on" },
        { name: "log_lock_waits", value: "on" },
        ...cloudSqlReplicationFlags(spec),
      ],
    },
  } satisfies gcp.sql.DatabaseInstanceArgs;
  const instanceOpts: pulumi.CustomResourceOptions = {
    ...opts,
    dependsOn: [network.privateServicesConnection],
    // Autoresize grows the disk; applying storageGb again would mean shrinking it, which Cloud SQL
    // can only do by replacing the instance. storageGb is the initial size.
    ignoreChanges: ["settings.diskSize"],
  };

  const instance = new gcp.sql.DatabaseInstance(
    ...transform(
      t.instance,
      `${name}-postgres`,
      {
        ...shared,
        region: cloud.primary.region,
        settings: {
          ...shared.settings,
          availabilityType: db.highAvailability ? "REGIONAL" : "ZONAL",
          backupConfiguration: backups(spec),
          ...(spec.production || leaving ? { finalBackupConfig: { enabled: true, retentionDays: 30 } } : {}),
          // Provider default labels reach top-level `labels` only; Cloud SQL's are in settings.
          userLabels: { ...stackTags(spec, "gcp"), "portage-role": "database", ...(args.leaving ? { [leavingTag]: args.leaving } : {}) },
        },
      },
      instanceOpts,
    ),
  );

  // Cross-region read replicas ("About replication in Cloud SQL", cross-region read replicas): in the
  // replica's region, on the same VPC and private services range (a private address the region's
  // nodes reach), following `masterInstanceName`. Cloud SQL keeps no backups of a replica (the
  // primary's are the backups). A major version upgrade is refused while replicas exist
  // (components/guard): remove them, upgrade, add them back.
  // A replica's disk may not be smaller than its primary's, and autoresize grows the primary past
  // storageGb: a replica added later starts at the primary's current size (then autoresizes itself;
  // terraform-google-modules/terraform-google-sql-db#338).
  const primaryDiskGb = instance.settings.apply((s) => Math.max(s?.diskSize ?? 0, db.storageGb));
  // Not protected, even in production: a replica holds nothing its primary lacks, and a protected one
  // cannot leave `database.replicas` (Pulumi refuses to delete a protected resource, the provider an
  // instance with deletionProtection, Cloud SQL one with deletionProtectionEnabled), which the major
  // upgrade's remove-upgrade-add needs (terraform-google-modules/terraform-google-sql-db#155).
  const replicaOpts: pulumi.CustomResourceOptions = { ...instanceOpts, protect: false };
  const replicas = cloud.database.replicas.map((region) => {
    const replica = new gcp.sql.DatabaseInstance(
      ...transform(
        t.replica,
        `${name}-${region.key}-postgres`,
        {
          ...shared,
          deletionProtection: false,
          region: region.region,
          masterInstanceName: instance.name,
          settings: {
            ...shared.settings,
            deletionProtectionEnabled: false,
            diskSize: primaryDiskGb,
            availabilityType: "ZONAL",
            backupConfiguration: { enabled: false },
            userLabels: {
              ...stackTags(spec, "gcp"),
              "portage-role": "database-replica",
              ...(args.leaving ? { [leavingTag]: args.leaving } : {}),
            },
          },
        },
        replicaOpts,
      ),
    );
    return { region, instance: replica, host: replica.privateIpAddress, port: pulumi.output(db.port) };
  });

  // ABANDON: Postgres refuses to drop a database or role that owns objects; the instance's own
  // deletion removes them. A renamed app leaves its old database in place rather than dropping it.
  const database = new gcp.sql.Database(
    ...transform(t.database, `${name}-db`, { instance: instance.name, name: db.name, deletionPolicy: "ABANDON" }, opts),
  );
  const user = new gcp.sql.User(
    ...transform(
      t.user,
      `${name}-user`,
      {
        instance: instance.name,
        name: args.user,
        type: "BUILT_IN",
        password: args.password,
        deletionPolicy: "ABANDON",
      },
      opts,
    ),
  );

  return { instance, database, user, replicas, host: instance.privateIpAddress, port: pulumi.output(db.port) };
}

/**
 * Cloud SQL keeps a COUNT of daily backups and 1-7 days of write-ahead log on ENTERPRISE, and
 * requires more backups than log days. So PITR over `backupDays - 1` days (at most 7), and never fewer
 * than 2 backups while backups are on, so that even `backupDays: 1` gets a day of point-in-time recovery.
 */
export function backups(spec: Pick<Spec, "database">): gcp.types.input.sql.DatabaseInstanceSettingsBackupConfiguration {
  const days = spec.database.backupDays;
  // A standby without backups never gets here: the config refuses it (Cloud SQL's HA needs PITR).
  if (days <= 0) return { enabled: false, pointInTimeRecoveryEnabled: false };
  const retained = Math.max(days, 2);
  return {
    enabled: true,
    startTime: "03:00",
    pointInTimeRecoveryEnabled: true,
    transactionLogRetentionDays: Math.min(7, retained - 1),
    backupRetentionSettings: { retainedBackups: retained, retentionUnit: "COUNT" },
  };
}
