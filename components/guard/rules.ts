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
  /** Where the data lives and what identifies it: a change here deletes or replaces it. */
  database: { service: string; region: string; version: string; name: string };
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
  if (!news.production || news.allowDataLoss) return [];
  const refusals: string[] = [];
  const replaced = (what: string, from: string, to: string) =>
    refusals.push(
      `${what} changed from "${from}" to "${to}": the cloud would replace ${what.includes("bucket") ? "the bucket" : "the database"} and its data. ` +
        `A production stack refuses this. Take a backup first; to go ahead, set portage:allowDataLoss true for this update and unprotect the resource (pulumi state unprotect <urn>).`,
    );
  if (olds.database.region !== news.database.region)
    replaced("the database region (the first of portage:fleet.regions)", olds.database.region, news.database.region);
  if (olds.database.name !== news.database.name) replaced("the database name (portage:app.name)", olds.database.name, news.database.name);
  // RDS upgrades a major version in place; Cloud SQL creates a new instance.
  if (olds.database.version !== news.database.version && news.database.service === "Cloud SQL") {
    replaced("portage:database.version", olds.database.version, news.database.version);
  }
  if (olds.bucket.region !== news.bucket.region) replaced("the bucket region", olds.bucket.region, news.bucket.region);
  return refusals;
}
