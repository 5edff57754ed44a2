import * as pulumi from "@pulumi/pulumi";
import type { Cloud, MigrationPhase, MigrationSpec, Spec } from "../components/config";
import { footprint, type Footprint, type FootprintRole, type FootprintTransforms } from "../components/footprint";
import type { EdgeMember } from "../components/edge";
import { Migration } from "../components/migration";
import { Vpn } from "../components/vpn";

/**
 * What each phase makes of the two footprints: their roles, and whether the target answers (its edge
 * is the one the outputs describe, the one the domain should resolve to). The target is `beside`
 * until the end: it becomes the serving footprint by a rename when the user closes a finished
 * migration (`portage:provider` set to the target, `portage:migration` dropped), or it is deleted by
 * the update that closes a cancelled one.
 */
const phases: Record<MigrationPhase, { source: FootprintRole; target: FootprintRole; targetAnswers: boolean }> = {
  replicate: { source: "serving", target: "beside", targetAnswers: false },
  cutover: { source: "serving", target: "beside", targetAnswers: true },
  rollback: { source: "serving", target: "beside", targetAnswers: false },
  // The source stays until the update that closes the migration, unprotected, its data kept by a final snapshot.
  finish: { source: "leaving", target: "beside", targetAnswers: true },
  // The source serves alone (it took every write, or got them back at the rollback): the target is
  // disposable, unprotected, its database kept by a final snapshot, until portage:migration is dropped.
  cancel: { source: "serving", target: "cancelled", targetAnswers: false },
};

export interface MigrationFootprints {
  migration: MigrationSpec;
  source: Footprint;
  target: Footprint;
  /** The footprint whose edge takes the traffic in this phase: the outputs describe it. */
  answering: Footprint;
  /** Joins the two networks from replicate until the migration is closed (finish and cancel still need it: their step crosses it). */
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
    role: plan.target,
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
