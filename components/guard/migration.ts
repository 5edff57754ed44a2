/**
 * The data guard's rules for moving a stack between clouds (`portage:migration`): which phase may
 * follow which, and the provider switch that closes a migration. Pure and self-contained, like
 * rules.ts: the guard's provider is serialized into the stack's state with them.
 */

/** A migration as the guard records it: the target's cloud, phase, address space and region keys. */
export interface GuardedMigration {
  to: string;
  phase: string;
  /** The target's address space (`portage:addressSpace`'s other value). */
  space: string;
  /** The target's regions as written (they name its resources), the first primary. */
  regions: string[];
}

/** The serving footprint's facts the migration rules compare. */
export interface MigrationFacts {
  provider: string;
  /** `portage:addressSpace`; states written before it existed hold none: "default". */
  addressSpace?: string;
  /** The serving footprint's regions as written. */
  regions?: string[];
  migration?: GuardedMigration;
}

const none = "none";

/** The phases that may follow each one; `none` is a stack without `portage:migration`. */
const follows: Record<string, string[]> = {
  none: [none, "replicate"],
  replicate: ["replicate", "cutover", "cancel"],
  cutover: ["cutover", "rollback", "finish"],
  rollback: ["rollback", "replicate", "cutover", "cancel"],
  finish: ["finish"],
  cancel: ["cancel", none],
};

/** What to do instead of a transition that is refused. */
const instead: Record<string, Record<string, string>> = {
  none: {
    cutover: "start with phase replicate: the target footprint and its copy of the data must exist first",
    rollback: "there is no migration to roll back",
    finish: "start with phase replicate, then cutover",
    cancel: "there is no migration to cancel",
  },
  replicate: {
    rollback: "the source still serves and takes every write, so there is nothing to roll back; to stop, set phase cancel",
    finish: "run phase cutover first: finish removes the source, which still takes the writes",
    [none]:
      "set phase cancel first: it removes the replication from the source database (its slot would keep WAL), then drop portage:migration",
  },
  cutover: {
    replicate: "to move writes and traffic back to the source, set phase rollback",
    cancel: "the target takes the writes now; set phase rollback first, then cancel",
    [none]: "finish the migration (phase finish), or roll back (phase rollback, then cancel)",
  },
  rollback: {
    finish: "run phase cutover again first: finish removes the source, which takes the writes after a rollback",
    [none]: "set phase cancel first: it removes the replication from the source database, then drop portage:migration",
  },
  finish: {
    replicate: "after finish the source's replication is gone; the stack can only complete the move",
    cutover: "the cutover is done; complete the move",
    rollback: "after finish the reverse replication is gone, so a rollback would lose the writes made since; complete the move",
    cancel: "the target serves; complete the move",
  },
  cancel: {
    replicate: "the target still holds the copy of the last attempt; drop portage:migration (which removes the target), then start again",
    cutover: "the replication was removed; drop portage:migration, then start again with replicate",
    rollback: "the source serves already",
    finish: "the replication was removed; drop portage:migration, then start again with replicate",
  },
};

const list = (regions: readonly string[] | undefined) => JSON.stringify(regions ?? []);

/** The update that closes a finished migration: the target becomes the serving footprint. */
export function closesMigration(olds: MigrationFacts, news: MigrationFacts): boolean {
  return olds.migration?.phase === "finish" && !news.migration && news.provider === olds.migration.to;
}

/** Why this update must not go ahead as far as a migration is concerned; empty when it may. */
export function migrationRefusals(olds: MigrationFacts, news: MigrationFacts): string[] {
  const was = olds.migration;
  const is = news.migration;
  const from = was?.phase ?? none;
  const to = is?.phase ?? none;

  // The switch that closes a migration: the target becomes the serving footprint, as it was built.
  if (was && closesMigration(olds, news)) {
    const problems: string[] = [];
    if ((news.addressSpace ?? "default") !== was.space) {
      problems.push(
        `portage:addressSpace is "${news.addressSpace ?? "default"}", but the ${was.to} footprint was built in the "${was.space}" space: ` +
          `set portage:addressSpace ${was.space} (any other value renumbers its network and replaces everything in it)`,
      );
    }
    if (list(news.regions) !== list(was.regions)) {
      problems.push(
        `portage:fleet.regions is ${list(news.regions)}, but the ${was.to} footprint was built in ${list(was.regions)} (portage:migration.regions or fleet.regions): ` +
          `set portage:fleet.regions to ${list(was.regions)} (the regions' names name its resources)`,
      );
    }
    return problems;
  }
  if (olds.provider !== news.provider && was) {
    return [
      `portage:provider changed from ${olds.provider} to ${news.provider} during a migration in phase ${was.phase}: ` +
        `portage:provider changes only after phase finish (keep it ${olds.provider}; portage:migration.to says where the stack goes)`,
    ];
  }
  if (olds.provider !== news.provider) return [];
  if (was?.phase === "finish" && !is) {
    return [
      `portage:migration was dropped but portage:provider is still ${news.provider}: complete the move in one update, ` +
        `set portage:provider ${was.to}, portage:addressSpace ${was.space} and portage:fleet.regions ${list(was.regions)}, and drop portage:migration`,
    ];
  }
  if (!(follows[from] ?? []).includes(to)) {
    const shown = (phase: string) => (phase === none ? "no migration" : `phase ${phase}`);
    const why = instead[from]?.[to] ?? "follow replicate, cutover, finish (or rollback before finish)";
    return [`portage:migration: ${shown(from)} cannot be followed by ${shown(to)}: ${why}`];
  }
  if (was && is) {
    if (was.to !== is.to) return [`portage:migration.to changed from ${was.to} to ${is.to} during the migration; cancel it first`];
    if (was.regions[0] !== is.regions[0]) {
      return [
        `the target's primary region (the first of portage:migration.regions, or of portage:fleet.regions) changed from "${was.regions[0]}" to "${is.regions[0]}" ` +
          `during the migration: its database would be replaced; keep it, or cancel the migration and start again`,
      ];
    }
  }
  return [];
}
