import { shown } from "../errors";
import type { Cloud, Spec } from "../spec";
import type { SectionInput } from "./context";

/**
 * The Postgres major versions each cloud offers (RDS: "Supported PostgreSQL major versions on Amazon
 * RDS", docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes; Cloud SQL: "Database versions
 * and version policies", cloud.google.com/sql/docs/db-versions). A migration needs the version on both.
 */
export const offeredPostgres: Record<Cloud, readonly string[]> = {
  aws: ["13", "14", "15", "16", "17"],
  gcp: ["13", "14", "15", "16", "17"],
};

export const supportedPostgres = [...new Set(Object.values(offeredPostgres).flat())].sort((a, b) => Number(a) - Number(b));

/** `portage:database`: the version both clouds offer, and backups where a standby or production needs them. */
export function databaseSection({ raw, problems }: SectionInput): Spec["database"] {
  const db = raw.database;
  if (!supportedPostgres.includes(db.version)) {
    problems.at(
      "database.version",
      `${shown(db.version)} is not a supported Postgres major version; use one of ${supportedPostgres.join(", ")}`,
    );
  } else if (!offeredPostgres[raw.provider].includes(db.version)) {
    problems.at(
      "database.version",
      `${raw.provider} does not offer Postgres ${db.version}; use one of ${offeredPostgres[raw.provider].join(", ")}`,
    );
  }
  if (db.highAvailability && db.backupDays === 0) {
    problems.at(
      "database.backupDays",
      "0 turns backups off, but portage:database.highAvailability is true: a standby needs backups and point-in-time recovery (Cloud SQL requires them); use 1 to 35",
    );
  } else if (raw.production && db.backupDays === 0) {
    problems.at("database.backupDays", "0 turns backups off, which a production stack does not allow; use 1 to 35 (7 is a good start)");
  }
  const regions = raw.fleet.regions.map((r) => (typeof r === "string" ? r : r.name));
  db.replicas.forEach((replica, i) => {
    const key = `database.replicas[${i}]`;
    if (replica === regions[0]) {
      problems.at(
        key,
        `${shown(replica)} is the primary region (the first of portage:fleet.regions), where the database itself is; list other fleet regions`,
      );
    } else if (!regions.includes(replica)) {
      problems.at(
        key,
        `${shown(replica)} is not a region of portage:fleet.regions; use one of ${
          regions
            .slice(1)
            .map((r) => shown(r))
            .join(", ") || "(none: add a second fleet region first)"
        }, as written there`,
      );
    } else if (db.replicas.indexOf(replica) !== i) {
      problems.at(key, `${shown(replica)} is listed twice; a region has one replica`);
    }
  });
  // RDS creates a read replica from the source's automated backups (CreateDBInstanceReadReplica
  // requires a backup retention period above 0); Cloud SQL's replicas are refused the same way here.
  if (db.replicas.length > 0 && db.backupDays === 0) {
    problems.at(
      "database.backupDays",
      `0 turns backups off, but portage:database.replicas lists ${db.replicas.map((r) => shown(r)).join(", ")}: a read replica needs the source's backups; use 1 to 35`,
    );
  }
  return { ...db, name: raw.app.name, port: 5432 };
}
