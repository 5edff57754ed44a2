import { closesMigration, migrationRefusals, type MigrationFacts } from "./migration";

/**
 * What the data guard compares between the last update and this one. Pure and self-contained:
 * the dynamic provider below is serialized into the stack's state, closures and all.
 */
export interface GuardedState extends MigrationFacts {
  stack: string;
  provider: string;
  production: boolean;
  /** The user's explicit "this update may delete or replace the database and the bucket". */
  allowDataLoss: boolean;
  /**
   * Where the data lives and what identifies it: a change here deletes or replaces it. `storageGb`
   * (absent in states written before it) is what the service can only grow.
   */
  database: { service: string; region: string; version: string; name: string; storageGb?: number; replicas?: string[] };
  bucket: { service: string; region: string };
}

/** Why this update must not go ahead; empty when it may. */
export function dataLossRefusals(olds: Partial<GuardedState> | undefined, news: GuardedState): string[] {
  if (!olds || !olds.provider || !olds.database || !olds.bucket) return [];
  const was = { ...olds, provider: olds.provider };
  const migration = migrationRefusals(was, news);
  if (migration.length > 0) return migration;
  // The source goes with its final snapshot (phase finish set it up); the target was checked above.
  if (closesMigration(was, news)) return [];
  if (olds.migration && news.migration && olds.database.version !== news.database.version) {
    return [
      `portage:database.version changed from "${olds.database.version}" to "${news.database.version}" during a migration: a major upgrade drops the replication's slots ` +
        `and both databases would upgrade; finish or cancel the migration first`,
    ];
  }
  const lost = `the Postgres database "${olds.database.name}" (${olds.database.service} in ${olds.database.region}) and the bucket (${olds.bucket.service} in ${olds.bucket.region})`;
  if (olds.provider !== news.provider) {
    const move =
      `Move the stack with its data instead: keep portage:provider ${olds.provider} and set portage:migration to {"to": "${news.provider}", "phase": "replicate"}, ` +
      `then phase cutover, then finish (README: Moving to another cloud); the data is copied live and writes stop for seconds.`;
    if (news.production) {
      return [
        `portage:provider changed from ${olds.provider} to ${news.provider}: this would delete ${lost}. ` +
          `A production stack never switches provider in place. ${move}`,
      ];
    }
    if (!news.allowDataLoss) {
      return [
        `portage:provider changed from ${olds.provider} to ${news.provider}: this would delete ${lost}. ${move} ` +
          `To switch this dev stack anyway and lose that data, set portage:allowDataLoss true for this update.`,
      ];
    }
    return [];
  }
  const space = { was: olds.addressSpace ?? "default", is: news.addressSpace ?? "default" };
  if (space.was !== space.is && !(news.allowDataLoss && !news.production)) {
    return [
      `portage:addressSpace changed from "${space.was}" to "${space.is}": this renumbers the network and replaces everything in it, ${lost} included. ` +
        `Keep "${space.was}"` +
        (news.production ? "." : `; to renumber this dev stack anyway and lose that data, set portage:allowDataLoss true for this update.`),
    ];
  }
  const refusals: string[] = [...impossibleChanges(olds.database, news.database), ...replicaUpgrade(olds.database, news.database)];
  if (!news.production || news.allowDataLoss) return refusals;
  const replaced = (what: string, from: string, to: string) =>
    refusals.push(
      `${what} changed from "${from}" to "${to}": the cloud would replace ${what.includes("bucket") ? "the bucket" : "the database"} and its data. ` +
        `A production stack refuses this. Take a backup first; to go ahead, set portage:allowDataLoss true for this update and unprotect the resource (pulumi state unprotect <urn>).`,
    );
  if (olds.database.region !== news.database.region)
    replaced("the database region (the first of portage:fleet.regions)", olds.database.region, news.database.region);
  if (olds.database.name !== news.database.name) replaced("the database name (portage:app.name)", olds.database.name, news.database.name);
  // A new major version is an in-place upgrade on both services (RDS ModifyDBInstance with
  // AllowMajorVersionUpgrade; Cloud SQL patches databaseVersion), so it is not refused here.
  if (olds.bucket.region !== news.bucket.region) replaced("the bucket region", olds.bucket.region, news.bucket.region);
  return refusals;
}

/**
 * Changes no cloud can make, in any stack: the update would fail half-way (after the resources
 * before the database changed), so they are refused up front. Neither service downgrades a major
 * version; RDS never shrinks storage and grows it by 10 % or more
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.ModifyingExisting.html).
 */
function impossibleChanges(olds: GuardedState["database"], news: GuardedState["database"]): string[] {
  if (olds.service !== news.service || olds.region !== news.region || olds.name !== news.name) return [];
  const refusals: string[] = [];
  if (Number(news.version) < Number(olds.version)) {
    refusals.push(
      `portage:database.version changed from "${olds.version}" to "${news.version}": ${news.service} cannot downgrade a major version. ` +
        `Keep "${olds.version}"; to run ${news.version}, dump the database (pg_dump) into a new stack on ${news.version}.`,
    );
  }
  const [before, after] = [olds.storageGb, news.storageGb];
  if (news.service === "RDS" && before !== undefined && after !== undefined && after !== before) {
    if (after < before) {
      refusals.push(
        `portage:database.storageGb changed from ${before} to ${after}: RDS cannot shrink a database's storage. Keep ${before} or more.`,
      );
    } else if (after < Math.ceil((before * 11) / 10)) {
      refusals.push(
        `portage:database.storageGb changed from ${before} to ${after}: RDS grows storage by at least 10 % at a time; use ${Math.ceil((before * 11) / 10)} or more.`,
      );
    }
  }
  return refusals;
}

/**
 * A major version upgrade while read replicas exist (database.replicas, before or after this update):
 * refused in every stack. RDS would upgrade the replicas with their source but their parameter groups
 * of the old family cannot follow in the same step; Cloud SQL upgrades replicas on their own. The
 * way that works on both: remove the replicas, upgrade, add them back (a new replica copies the data).
 */
function replicaUpgrade(olds: GuardedState["database"], news: GuardedState["database"]): string[] {
  const replicas = [...new Set([...(olds.replicas ?? []), ...(news.replicas ?? [])])];
  if (olds.version === news.version || replicas.length === 0) return [];
  const listed = replicas.map((r) => `"${r}"`).join(", ");
  return [
    `portage:database.version changed from "${olds.version}" to "${news.version}" while the database has read replicas (portage:database.replicas: ${listed}): ` +
      `upgrade in three updates: set portage:database.replicas to [] and run pulumi up (the replicas are deleted; their regions' nodes read the primary), ` +
      `then change portage:database.version (pulumi up), then list the replicas again (pulumi up: new replicas copy the upgraded database).`,
  ];
}
