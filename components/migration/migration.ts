import * as pulumi from "@pulumi/pulumi";
import type { MigrationPhase, MigrationSpec, Spec } from "../config";
import type { Footprint } from "../footprint";
import type { AgentCommand } from "../rollout";
import type { Vpn } from "../vpn";
import { DomainMoved } from "./domain";
import { migrationEnvEntry } from "./env";
import { bucketRef, migrationStep, uploadTool, type MigrationStepArgs } from "./job";
import { BucketLastPass, lastPassTimeouts } from "./last-pass";
import { bucketTransfer, type BucketTransfer } from "./transfer";

export interface MigrationArgs {
  spec: Spec & { migration: MigrationSpec };
  /** The footprint on `portage:provider`: it keeps serving until cutover, nothing of it changes. */
  source: Footprint;
  /** The footprint on `portage:migration.to`, beside it. */
  target: Footprint;
  /** The tunnels, sessions and rules every step crosses. */
  vpn: Vpn;
}

/** How long each step may take on the node. The copy goes on after `replicate` returns. */
const timeouts = { replicate: 1800, switch: 900, finish: 600, cancel: 600 } as const;
/** How long `cutover` and `rollback` wait for the replication to catch up once writes are frozen. */
export const catchUpSeconds = 60;

/**
 * The steps each phase runs, in order, on top of `replicate`'s (which stays, unchanged, in every
 * phase but cancel: it never runs again by accident). A step runs when it appears: leaving `rollback`
 * for `cutover` runs the cutover again, and the other way round.
 */
const steps: Record<MigrationPhase, { command: string[]; timeout: number }[]> = {
  replicate: [],
  cutover: [{ command: ["cutover", String(catchUpSeconds)], timeout: timeouts.switch }],
  rollback: [{ command: ["rollback", String(catchUpSeconds)], timeout: timeouts.switch }],
  // The cutover's step stays as it was (no new run); finish follows it.
  finish: [
    { command: ["cutover", String(catchUpSeconds)], timeout: timeouts.switch },
    { command: ["finish"], timeout: timeouts.finish },
  ],
  cancel: [{ command: ["cancel"], timeout: timeouts.cancel }],
};

/**
 * The bucket's copy runs while the source takes the writes; paused from cutover (it would copy the
 * source's old objects over the target's new ones); gone at cancel (the target's copy is disposable,
 * and nothing may keep reading the source bucket).
 */
const copying: Record<MigrationPhase, "running" | "paused" | "gone"> = {
  replicate: "running",
  cutover: "paused",
  rollback: "running",
  finish: "paused",
  cancel: "gone",
};

/**
 * What moves the data while a migration stands, on top of the two footprints and the VPN:
 * - the database: `portage-migrate <step>` as jobs on the target's first node, which reaches both
 *   databases (job.ts): `replicate` once the target fleet runs the release and the VPN is up, then
 *   per phase `cutover`, `rollback`, `finish` (after checking that the domain left the source's
 *   edge) or `cancel` (the source's publication and slot removed); each is idempotent and fails the
 *   update with the tool's message;
 * - the bucket: the target cloud's transfer service copying the source bucket until cutover (transfer.ts),
 *   then once more at cutover, once the source's edges forward, and waited for (last-pass.ts); at a
 *   rollback, the other way once (the copy back: what the target took since cutover); removed at cancel.
 * The source's resources are only read: its database gets a publication (a catalog entry, no
 * restart), its bucket a reader.
 */
export class Migration extends pulumi.ComponentResource {
  /** The job that started the replication (its output: what portage-migrate did); none at cancel. */
  readonly replication?: AgentCommand;
  /** The phase's own steps, in order (cutover; rollback; cutover then finish; cancel). */
  readonly steps: AgentCommand[];
  /** The bucket's copy; none at cancel. */
  readonly transfer?: BucketTransfer;
  /** The node that runs every database step (an agent name). */
  readonly jobAgent: string;
  /** The last step of the phase: what must be done before the source edge forwards (or serves again). */
  readonly done: pulumi.Resource;
  /** From cutover (and kept, unchanged, through finish): the bucket's last pass, once the source's edges forward. */
  readonly lastPass?: BucketLastPass;
  /** At a rollback: the transfer from the target's bucket into the source's, and its one run (what the target took since cutover). */
  readonly copyBack?: { transfer: BucketTransfer; run: BucketLastPass };

  constructor(name: string, args: MigrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("portage:migration:Migration", name, {}, opts);
    const { spec, source, target, vpn } = args;
    const { phase } = spec.migration;
    const jobNode = target.fleet.created[0];
    if (!jobNode) throw new Error("the migration's target has no node to run its steps");
    this.jobAgent = jobNode.spec.name;
    const tool = uploadTool(`${name}-tool`, target, this);
    const env = migrationEnvEntry(
      `${name}-env`,
      { prefix: spec.prefix, source, target, clientMajor: spec.database.version, jobNode: 0 },
      this,
    );
    const on: Omit<MigrationStepArgs, "command" | "timeoutSeconds" | "dependsOn"> = {
      bucket: bucketRef(target),
      agent: this.jobAgent,
      tool,
      envRef: env.ref,
      triggers: [],
    };
    // What a step needs on the node: the databases' URLs, the VPN, the target running the release, both databases.
    const ready = [...env.resources, ...vpn.ready, target.release, target.database, source.database];
    // Cancel carries no replicate step: one that failed (a table `check` refused) would run again
    // first and fail the cancel with it. Deleting the step does nothing on the node.
    if (phase !== "cancel")
      this.replication = migrationStep(
        `${name}-replicate`,
        { ...on, command: ["replicate"], timeoutSeconds: timeouts.replicate, dependsOn: ready },
        this,
      );
    let last: pulumi.Resource[] = this.replication ? [this.replication] : ready;
    this.steps = steps[phase].map((step) => {
      const before: pulumi.Resource[] = [...last];
      if (step.command[0] === "finish" && spec.edge.domain !== "")
        before.push(
          new DomainMoved(
            `${name}-domain-moved`,
            { domain: spec.edge.domain, sourceAddresses: source.edge.entries.apply((es) => es.flatMap((e) => e.addresses)) },
            { parent: this },
          ),
        );
      const job = migrationStep(
        `${name}-${step.command[0]}`,
        { ...on, command: step.command, timeoutSeconds: step.timeout, dependsOn: before },
        this,
      );
      last = [job];
      return job;
    });
    this.done = this.steps.at(-1) ?? this.replication!;
    const transfer =
      copying[phase] === "gone"
        ? undefined
        : bucketTransfer(`${name}-bucket`, source, target, spec.prefix, copying[phase] === "running", this);
    this.transfer = transfer;
    const stepRunning = (command: string) => this.steps[steps[phase].findIndex((step) => step.command[0] === command)];
    const cutover = stepRunning("cutover");
    if (cutover && transfer)
      // The source bucket is final once the source's edges forward: its app takes no more requests. The
      // schedule is paused first (the job's update), so no scheduled pass starts behind this one.
      this.lastPass = new BucketLastPass(
        `${name}-bucket-last-pass`,
        { purpose: "last-pass", transfer: transfer.runOnce, ...lastPassTimeouts },
        { parent: this, dependsOn: [cutover, transfer.job, ...source.release.routes] },
      );
    const rollback = stepRunning("rollback");
    if (rollback) {
      // The other direction's transfer, never scheduled, run once the source's edges serve again: the
      // target's database follows the source then, so its app takes no more writes and its bucket is final.
      const back = bucketTransfer(`${name}-bucket-back`, target, source, spec.prefix, false, this, "copy-back");
      const run = new BucketLastPass(
        `${name}-bucket-copy-back`,
        { purpose: "copy-back", transfer: back.runOnce, ...lastPassTimeouts },
        { parent: this, dependsOn: [rollback, back.job, ...back.access, ...source.release.routes] },
      );
      this.copyBack = { transfer: back, run };
    }
    this.registerOutputs({});
  }
}
