import { updateObject, type RolloutBucket } from "./bucket";
import {
  emptyInbox,
  inboxKey,
  parseInbox,
  parseResult,
  resultKey,
  workProblems,
  type DeployWork,
  type Inbox,
  type JobWork,
  type Result,
} from "./protocol";

/** The stack's side of the protocol: what it writes into an agent's inbox, and how it waits for results. */

/** Changes one agent's inbox by compare-and-swap; jobs past their expiry are dropped on the way. */
export async function changeInbox(bucket: RolloutBucket, agent: string, change: (inbox: Inbox) => Inbox): Promise<void> {
  await updateObject(bucket, inboxKey(agent), (current) => {
    const now = new Date();
    const inbox = current === undefined ? emptyInbox(agent, now) : parseInbox(current, agent);
    const live = { ...inbox, jobs: inbox.jobs.filter((j) => Date.parse(j.expiresAt) > now.getTime()) };
    return `${JSON.stringify({ ...change(live), updatedAt: now.toISOString() }, null, 2)}\n`;
  });
}

export async function setDeploy(bucket: RolloutBucket, agent: string, work: DeployWork, pollSeconds?: number): Promise<void> {
  const problems = workProblems(work);
  if (problems.length > 0) throw new Error(`deploy ${work.id} for ${agent}: ${problems.join("; ")}`);
  // Its turn has come: no more fast polling for it.
  await changeInbox(bucket, agent, ({ fastPollUntil: _until, fastPollSeconds: _every, ...inbox }) => ({
    ...inbox,
    deploy: work,
    ...(pollSeconds ? { pollSeconds } : {}),
  }));
}

export async function addJob(bucket: RolloutBucket, agent: string, work: JobWork): Promise<void> {
  const problems = workProblems(work);
  if (problems.length > 0) throw new Error(`${work.kind} ${work.id} for ${agent}: ${problems.join("; ")}`);
  await changeInbox(bucket, agent, (inbox) => ({ ...inbox, jobs: [...inbox.jobs.filter((j) => j.id !== work.id), work] }));
}

/** Tells an agent that work is coming (until `until`), or that it no longer is (undefined): see `Inbox.fastPollUntil`. */
export async function expectWork(bucket: RolloutBucket, agent: string, until: Date | undefined, fastPollSeconds = 0.25): Promise<void> {
  await changeInbox(bucket, agent, (inbox) => {
    const { fastPollUntil: _until, fastPollSeconds: _every, ...rest } = inbox;
    return until ? { ...rest, fastPollUntil: until.toISOString(), fastPollSeconds } : rest;
  });
}

/** Once its result is read, a job leaves the inbox: a VM that replaces the node later does not run it again. */
export async function removeJob(bucket: RolloutBucket, agent: string, id: string): Promise<void> {
  await changeInbox(bucket, agent, (inbox) => ({ ...inbox, jobs: inbox.jobs.filter((j) => j.id !== id) }));
}

/** One piece of work the stack waits for. */
export interface Watch {
  agent: string;
  id: string;
  /** When it was written (ms since the epoch). */
  askedAt: number;
  started?: Result;
  /** When the stack first saw it started (its own clock: the VM's may be off). */
  startedSeenAt?: number;
  final?: Result;
  /** Boot ids seen: more than one means the VM was rebooted or replaced while it worked. */
  boots: string[];
  timedOut?: "pickup" | "finish";
  /** The last error reading its result (a malformed object); reported if it never resolves. */
  readError?: string;
}

export interface WaitOptions {
  /** How long an agent may take to start the work (a VM still booting picks it up late). */
  pickupMs: number;
  /** How long the work may take once started. */
  finishMs: number;
  /** How often results are read. */
  everyMs: number;
  /** Called once when an agent starts (or resumes) the work, and once when it is done. */
  onStart?(watch: Watch, result: Result): void;
  onDone?(watch: Watch): void;
}

/**
 * Reads each watched result until every one is done or out of time. Results of another attempt
 * (the agent restarted) or another boot (the VM was replaced) of the same work id are followed too.
 */
export async function awaitResults(bucket: RolloutBucket, watches: Watch[], options: WaitOptions): Promise<void> {
  const pending = () => watches.filter((w) => !w.final && !w.timedOut);
  while (pending().length > 0) {
    await Promise.all(
      pending().map(async (w) => {
        let result: Result | undefined;
        try {
          const stored = await bucket.read(resultKey(w.agent, w.id));
          result = stored ? parseResult(stored.body, resultKey(w.agent, w.id)) : undefined;
          w.readError = undefined;
        } catch (e) {
          w.readError = e instanceof Error ? e.message : String(e);
        }
        const now = Date.now();
        if (result) {
          if (!w.boots.includes(result.boot)) w.boots.push(result.boot);
          const fresh = !w.started || w.started.attempt !== result.attempt || w.started.boot !== result.boot;
          if (fresh) {
            w.started = result;
            w.startedSeenAt = now;
            options.onStart?.(w, result);
          }
          if (result.state !== "started") {
            w.final = result;
            options.onDone?.(w);
            return;
          }
        }
        if (!w.started && now - w.askedAt > options.pickupMs) w.timedOut = "pickup";
        else if (w.startedSeenAt !== undefined && now - w.startedSeenAt > options.finishMs) w.timedOut = "finish";
        if (w.timedOut) options.onDone?.(w);
      }),
    );
    if (pending().length > 0) await new Promise((r) => setTimeout(r, options.everyMs));
  }
}

/** One line saying why a watched piece of work did not succeed. */
export function failureReason(w: Watch, options: Pick<WaitOptions, "pickupMs" | "finishMs">): string {
  if (w.timedOut === "pickup") {
    return (
      `its agent did not pick the work up within ${Math.round(options.pickupMs / 1000)} s` +
      `${w.readError ? ` (${w.readError})` : ""}: is the VM up and portage-agent running? (npm run ops -- ssh ${w.agent}, then journalctl -u portage-agent)`
    );
  }
  if (w.timedOut === "finish") return `it did not finish within ${Math.round(options.finishMs / 1000)} s of starting`;
  return w.final?.reason || `it failed${w.final?.exitCode !== undefined ? ` (exit ${w.final.exitCode})` : ""}`;
}

/** The end of a result's output, indented, for an error message or the progress log. */
export function outputTail(result: Result | undefined, lines = 20): string {
  const text = (result?.log ?? "").trimEnd();
  if (!text) return "";
  return text
    .split("\n")
    .slice(-lines)
    .map((l) => `    | ${l}`)
    .join("\n");
}
