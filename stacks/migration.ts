import * as pulumi from "@pulumi/pulumi";
import { ConfigError, type Cloud, type MigrationPhase, type MigrationSpec, type Spec } from "../components/config";
import { footprint, type Footprint, type FootprintRole, type FootprintTransforms } from "../components/footprint";
import type { EdgeMember } from "../components/edge";
import { Migration } from "../components/migration";
import { Vpn } from "../components/vpn";

/**
 * The phases of `portage:migration` this version of portage carries out on the real cloud. A phase is
 * listed once everything it promises exists as stack resources (issue 11: the target footprint, the
 * VPN, the replication and transfer jobs for replicate; the switch for cutover and rollback; the
 * checks, the final snapshot and the removal for finish). Until then the program refuses it before
 * any resource is created: an accepted input must work.
 */
export const builtPhases: readonly MigrationPhase[] = ["replicate", "cutover", "rollback", "finish"];

/** Refuses a migration phase this version does not build yet; says what to do instead. */
export function refuseUnbuilt(migration: MigrationSpec | undefined): void {
  if (!migration || builtPhases.includes(migration.phase)) return;
  const built = builtPhases.length > 0 ? `it builds ${builtPhases.join(", ")}` : "it builds none yet";
  throw new ConfigError([
    `portage:migration: this version of portage validates a migration but does not build phase ${migration.phase} yet (${built}); remove the key (nothing was created or changed)`,
  ]);
}

/**
 * What each phase makes of the two footprints: the source's role, and whether the target answers
 * (its edge is the one the outputs describe, the one the domain should resolve to). The target is
 * always `beside`: it becomes the serving footprint by a rename when the user closes the migration
 * (`portage:provider` set to the target, `portage:migration` dropped).
 */
const phases: Record<MigrationPhase, { source: FootprintRole; targetAnswers: boolean }> = {
  replicate: { source: "serving", targetAnswers: false },
  cutover: { source: "serving", targetAnswers: true },
  rollback: { source: "serving", targetAnswers: false },
  // The source stays until the update that closes the migration, unprotected, its data kept by a final snapshot.
  finish: { source: "leaving", targetAnswers: true },
  // The target stays until portage:migration is dropped: the source's replication is removed first.
  cancel: { source: "serving", targetAnswers: false },
};

export interface MigrationFootprints {
  migration: MigrationSpec;
  source: Footprint;
  target: Footprint;
  /** The footprint whose edge takes the traffic in this phase: the outputs describe it. */
  answering: Footprint;
  /** Joins the two networks from replicate until the migration is closed (finish still needs it: portage-migrate finish). */
  vpn: Vpn;
  /** The database's replication and the bucket's copy, through the VPN. */
  moving: Migration;
}

/**
 * A stack moving between clouds: the source footprint on `portage:provider` and the target footprint
 * on `portage:migration.to` beside it, in the other address space (config/ resolved it), sharing the
 * values the stack generated (sessions and the cluster's cookie survive the move). The target fleet
 * runs the current release against the target database, which stays frozen until cutover; it takes
 * no traffic while the domain resolves to the source edge.
 */
export function migrationFootprints(
  spec: Spec & { migration: MigrationSpec },
  options: { guard: pulumi.Resource; transforms: FootprintTransforms },
): MigrationFootprints {
  const { migration } = spec;
  const plan = phases[migration.phase];
  // The source's edges forward once the database switched: both come from the target, built after the source.
  let switched: (to: { address: pulumi.Output<string>; done: pulumi.Resource }) => void = () => undefined;
  const target$ = new Promise<{ address: pulumi.Output<string>; done: pulumi.Resource }>((resolve) => (switched = resolve));
  // From cutover the source's edges forward; at a rollback they serve again: either once the database switched.
  const switching = migration.phase === "cutover" || migration.phase === "finish" || migration.phase === "rollback";
  const forward = switching
    ? {
        // AWS's edges outside the primary region reach the VPN through no peering (peering is not
        // transitive): they keep their own routes. GCP's network routes every region through it.
        members: (member: EdgeMember) =>
          plan.targetAnswers && (migration.from === "gcp" || member.spec.region.primary)
            ? pulumi.output(target$.then((t) => t.address))
            : undefined,
        after: target$.then((t) => [t.done]),
      }
    : undefined;
  const source = footprint(migration.from, spec, {
    ...options,
    role: plan.source,
    moving: { migrations: false, ...(forward ? { forward } : {}) },
  });
  const target = footprint(migration.to, spec, {
    ...options,
    role: "beside",
    secrets: source.secrets.generated,
    moving: { migrations: false },
  });
  const both = { [source.cloud]: source, [target.cloud]: target } as { aws: Footprint<"aws">; gcp: Footprint<"gcp"> };
  // The target's first node runs the migration's database steps: it reaches both databases.
  const jobNode = target.fleet.nodes.apply((nodes) => nodes[0]?.privateAddress ?? "");
  const vpn = new Vpn("vpn", { spec, source: migration.from, ...both, jobNode });
  const moving = new Migration("migration", { spec, source, target, vpn });
  switched({ address: target.edge.privateAddress, done: moving.done });
  return { migration, source, target, answering: plan.targetAnswers ? target : source, vpn, moving };
}

/** The cloud whose footprint answers in a phase. */
export function answeringCloud(migration: MigrationSpec): Cloud {
  return phases[migration.phase].targetAnswers ? migration.to : migration.from;
}
