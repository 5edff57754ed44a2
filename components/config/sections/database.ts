import { shown } from "../errors";
import type { Spec } from "../spec";
import type { SectionInput } from "./context";

export const supportedPostgres = ["13", "14", "15", "16", "17"];

/** `portage:database`: the version both clouds offer, and backups where a standby or production needs them. */
export function databaseSection({ raw, problems }: SectionInput): Spec["database"] {
  const db = raw.database;
  if (!supportedPostgres.includes(db.version)) {
    problems.at(
      "database.version",
      `${shown(db.version)} is not a supported Postgres major version; use one of ${supportedPostgres.join(", ")}`,
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
