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
  return { ...db, name: raw.app.name, port: 5432 };
}
