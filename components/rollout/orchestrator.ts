import { addJob, awaitResults, expectWork, failureReason, outputTail, removeJob, setDeploy, type Watch, type WaitOptions } from "./agents";
import { batchesOf, type BatchSize } from "./batches";
import type { RolloutBucket } from "./bucket";
import { agentOfInboxKey, inboxPrefix, newWorkId, parseInbox, resultsPrefix, resultsRoot, type ExecWork, type Result } from "./protocol";

/**
 * The rollout as `pulumi up` runs it, through the bucket only: the migration on one node, then each
 * batch's desired version written into its nodes' inboxes, their results awaited, and a stop at the
 * first failure with the node's own reason. Nodes after a failure are never asked; the pointer
 * (`releases/current`) is the release component's to move once this resolves.
 */
export interface RolloutPlan {
  version: string;
  sha256: string;
  /** Agent names (the nodes) in rollout order. */
  nodes: string[];
  batchSize: BatchSize;
  /** The migration: undefined is off; a command ("" = `bin/migrate` when the release has it). */
  migrate?: { command: string };
  /** The agents' poll interval, written into their inboxes. */
  pollSeconds?: number;
  timeouts: {
    /** From writing a node's desired version to its agent starting on it. */
    pickupSeconds: number;
    /** From a node starting its deploy to its result. */
    deploySeconds: number;
    /** The migration command's own limit (the agent enforces it). */
    migrateSeconds: number;
  };
}

export interface RolloutIo {
  log(line: string): void;
  /** How often results are read (ms); 200 by default: a batch ends as soon as its last node does (a few GETs a second, only while a rollout runs). */
  checkEveryMs?: number;
}

export interface StepOutcome {
  agent: string;
  id: string;
  ok: boolean;
  /** When the work was written into the agent's inbox (ms since the epoch). */
  askedAt: number;
  /** From writing the work to the agent's start, and to its result, as the stack saw them. */
  pickupSeconds?: number;
  seconds?: number;
  reason?: string;
  result?: Result;
  /** Boot ids seen while it ran: more than one, the VM was replaced or rebooted and the work resumed there. */
  boots: string[];
}

export interface RolloutOutcome {
  version: string;
  sha256: string;
  batches: string[][];
  migration?: StepOutcome;
  deploys: StepOutcome[];
  seconds: number;
}

export class RolloutFailed extends Error {
  constructor(
    message: string,
    readonly outcome: RolloutOutcome,
  ) {
    super(message);
    this.name = "RolloutFailed";
  }
}

const short = (sha: string) => sha.slice(0, 12);
const secondsSince = (t: number) => Math.round((Date.now() - t) / 100) / 10;

export async function runRollout(bucket: RolloutBucket, plan: RolloutPlan, io: RolloutIo): Promise<RolloutOutcome> {
  const started = Date.now();
  const batches = batchesOf(plan.nodes, plan.batchSize);
  const outcome: RolloutOutcome = { version: plan.version, sha256: plan.sha256, batches, deploys: [], seconds: 0 };
  const what = `${plan.version} (sha256 ${short(plan.sha256)})`;
  io.log(
    `rollout of ${what} to ${plan.nodes.length} node${plan.nodes.length === 1 ? "" : "s"} in ${batches.length} batch${batches.length === 1 ? "" : "es"}` +
      ` of up to ${batches[0]?.length ?? 0}, through ${bucket.url}`,
  );
  const fail = (message: string): never => {
    outcome.seconds = secondsSince(started);
    throw new RolloutFailed(message, outcome);
  };
  // The nodes whose turn is not now poll fast until it comes (a bounded window: a crashed `pulumi up`
  // cannot leave it on); writing a node's deploy ends it for that node (setDeploy).
  const waiting = new Set(plan.migrate ? plan.nodes : batches.slice(1).flat());
  const expect = async (until: Date | undefined) =>
    Promise.all([...waiting].map((agent) => expectWork(bucket, agent, until))).catch((e: unknown) =>
      io.log(
        `could not tell the nodes ${until ? "to expect" : "to stop expecting"} the rollout (harmless: it only changes how fast they notice): ${String(e)}`,
      ),
    );
  await expect(new Date(Date.now() + Math.min(3600, batches.length * plan.timeouts.deploySeconds) * 1000));
  // Old objects go meanwhile: it never touches what this rollout writes.
  const cleaning = cleanUp(bucket, plan.nodes, io).catch((e: unknown) =>
    io.log(`clean-up of old agent objects failed (harmless, retried next time): ${e instanceof Error ? e.message : String(e)}`),
  );
  try {
    return await roll();
  } finally {
    // Those never asked (after a failure) go back to polling slowly.
    await expect(undefined);
    await cleaning;
  }

  async function roll(): Promise<RolloutOutcome> {
    const first = batches[0]?.[0];
    if (plan.migrate && first) {
      const command = plan.migrate.command || "bin/migrate";
      io.log(`migration (${command}) on ${first}, before any node switches`);
      const step = await runJob(
        bucket,
        first,
        {
          kind: "migrate",
          id: newWorkId(),
          version: plan.version,
          sha256: plan.sha256,
          command: plan.migrate.command,
          timeoutSeconds: plan.timeouts.migrateSeconds,
          expiresAt: new Date(Date.now() + (plan.timeouts.pickupSeconds + plan.timeouts.migrateSeconds) * 1000).toISOString(),
        },
        { pickupMs: plan.timeouts.pickupSeconds * 1000, finishMs: (plan.timeouts.migrateSeconds + 120) * 1000 },
        io,
      );
      outcome.migration = step;
      if (!step.ok) {
        fail(
          `the migration (${command}) failed on ${first}: ${step.reason}. No node switched to ${plan.version}; releases/current is unchanged.` +
            `${step.result?.log ? `\n  the end of its output:\n${outputTail(step.result, 40)}` : ""}`,
        );
      }
      const tail = outputTail(step.result, 40);
      io.log(`migration done on ${first} in ${step.seconds} s${tail ? `:\n${tail}` : ""}`);
    }

    const wait: Omit<WaitOptions, "onStart" | "onDone"> = {
      pickupMs: plan.timeouts.pickupSeconds * 1000,
      finishMs: plan.timeouts.deploySeconds * 1000,
      everyMs: io.checkEveryMs ?? 200,
    };
    for (const [b, batch] of batches.entries()) {
      const batchStarted = Date.now();
      const id = newWorkId();
      io.log(`batch ${b + 1}/${batches.length}: ${batch.join(", ")}`);
      const watches: Watch[] = [];
      await Promise.all(
        batch.map(async (agent) => {
          waiting.delete(agent);
          await setDeploy(bucket, agent, { kind: "deploy", id, version: plan.version, sha256: plan.sha256 }, plan.pollSeconds);
          watches.push({ agent, id, askedAt: Date.now(), boots: [] });
        }),
      );
      await awaitResults(bucket, watches, {
        ...wait,
        onStart: (w, r) =>
          io.log(
            r.attempt > 1 || w.boots.length > 1
              ? `  ${w.agent}: resumed (attempt ${r.attempt}${w.boots.length > 1 ? ", after the VM restarted" : ""})`
              : `  ${w.agent}: deploying (picked up after ${secondsSince(w.askedAt)} s)`,
          ),
        onDone: (w) => {
          const serving = w.final?.serving;
          if (w.final?.state === "succeeded")
            io.log(
              `  ${w.agent}: serves ${serving?.version ?? plan.version} on port ${serving?.port ?? "?"} (${secondsSince(w.askedAt)} s)`,
            );
          else io.log(`  ${w.agent}: FAILED: ${failureReason(w, wait)}`);
        },
      });
      const steps = watches.map((w) => stepOutcome(w, wait));
      outcome.deploys.push(...steps);
      const failed = steps.filter((s) => !s.ok);
      if (failed.length > 0) {
        const done = outcome.deploys.filter((s) => s.ok).map((s) => s.agent);
        const untouched = batches.slice(b + 1).flat();
        const [worst] = failed;
        fail(
          `the rollout of ${plan.version} stopped at batch ${b + 1} of ${batches.length}: ` +
            failed.map((s) => `${s.agent} failed: ${s.reason}`).join("; ") +
            `.\n  ${done.length > 0 ? `${listed(done)} serve${done.length === 1 ? "s" : ""} ${plan.version}; ` : ""}` +
            `${listed(failed.map((s) => s.agent))} kept the version ${failed.length === 1 ? "it" : "they"} served` +
            `${untouched.length > 0 ? `; ${listed(untouched)} ${untouched.length === 1 ? "was" : "were"} not touched` : ""}; releases/current is unchanged.` +
            `${worst?.result?.log ? `\n  the end of ${worst.agent}'s output:\n${outputTail(worst.result)}` : ""}`,
        );
      }
      io.log(`batch ${b + 1}/${batches.length} done in ${secondsSince(batchStarted)} s`);
    }
    outcome.seconds = secondsSince(started);
    io.log(`rollout done: ${plan.nodes.length} node${plan.nodes.length === 1 ? "" : "s"} serve ${what} (${outcome.seconds} s)`);
    return outcome;
  }
}

/** A one-off job on one agent: written, awaited, then taken out of the inbox. */
export async function runJob(
  bucket: RolloutBucket,
  agent: string,
  work: Parameters<typeof addJob>[2],
  limits: Pick<WaitOptions, "pickupMs" | "finishMs">,
  io: RolloutIo,
): Promise<StepOutcome> {
  await addJob(bucket, agent, work);
  const watch: Watch = { agent, id: work.id, askedAt: Date.now(), boots: [] };
  const options: WaitOptions = {
    ...limits,
    everyMs: io.checkEveryMs ?? 200,
    onStart: (w, r) =>
      io.log(`  ${agent}: ${work.kind} ${r.attempt > 1 ? `resumed (attempt ${r.attempt})` : `started after ${secondsSince(w.askedAt)} s`}`),
  };
  try {
    await awaitResults(bucket, [watch], options);
  } finally {
    await removeJob(bucket, agent, work.id).catch(() => undefined);
  }
  return stepOutcome(watch, options);
}

/** Runs `argv` on one agent (issue 11's cutover steps, the edge's routes) and returns its outcome; see `ExecWork`. */
export function runCommand(
  bucket: RolloutBucket,
  agent: string,
  command: Omit<ExecWork, "kind" | "id" | "expiresAt">,
  pickupSeconds: number,
  io: RolloutIo,
): Promise<StepOutcome> {
  const expiresAt = new Date(Date.now() + (pickupSeconds + command.timeoutSeconds) * 1000).toISOString();
  return runJob(
    bucket,
    agent,
    { ...command, kind: "exec", id: newWorkId(), expiresAt },
    { pickupMs: pickupSeconds * 1000, finishMs: (command.timeoutSeconds + 120) * 1000 },
    io,
  );
}

function stepOutcome(w: Watch, limits: Pick<WaitOptions, "pickupMs" | "finishMs">): StepOutcome {
  const ok = w.final?.state === "succeeded";
  const end = w.final?.finishedAt ? Date.parse(w.final.finishedAt) : Date.now();
  return {
    agent: w.agent,
    id: w.id,
    ok,
    askedAt: w.askedAt,
    ...(w.startedSeenAt !== undefined ? { pickupSeconds: Math.round((w.startedSeenAt - w.askedAt) / 100) / 10 } : {}),
    seconds: Math.max(0, Math.round((Math.min(end, Date.now()) - w.askedAt) / 100) / 10),
    ...(ok ? {} : { reason: failureReason(w, limits) }),
    ...(w.final ? { result: w.final } : {}),
    boots: w.boots,
  };
}

function listed(names: string[]): string {
  if (names.length <= 3) return names.join(", ");
  return `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

/** Results kept per agent: enough for `npm run ops` to show the last rollouts. */
export const resultsKept = 10;

/**
 * Drops what no agent will read again: the inboxes of nodes no longer in the fleet (an inbox with a
 * deploy is a node's; an edge's has none and is left alone) with their results, and all but the
 * newest results of every node.
 */
export async function cleanUp(bucket: RolloutBucket, fleet: readonly string[], io: RolloutIo): Promise<void> {
  const gone: string[] = [];
  for (const key of await bucket.list(inboxPrefix)) {
    const agent = agentOfInboxKey(key);
    if (!agent || fleet.includes(agent)) continue;
    const inbox = await bucket.read(key);
    if (inbox && parseInbox(inbox.body, agent).deploy) gone.push(agent);
  }
  const stale: string[] = [];
  const results = await bucket.list(resultsRoot);
  for (const agent of fleet) stale.push(...results.filter((k) => k.startsWith(resultsPrefix(agent))).slice(0, -resultsKept));
  for (const agent of gone) stale.push(`${inboxPrefix}${agent}.json`, ...results.filter((k) => k.startsWith(resultsPrefix(agent))));
  if (stale.length === 0) return;
  await bucket.remove(stale);
  io.log(`cleaned up ${stale.length} old agent object${stale.length === 1 ? "" : "s"}${gone.length ? ` (gone: ${gone.join(", ")})` : ""}`);
}
