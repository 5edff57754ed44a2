/**
 * The bucket protocol between the stack and `portage-agent` on the VMs: the one place that knows the
 * keys and the objects' formats (docs/ARCHITECTURE.md, "Rollout through the bucket"). The agent's
 * side is components/node/files/portage-agent; both speak format 1.
 *
 *   agents/inbox/<agent>.json               the stack writes it (compare-and-swap); the agent polls it
 *   agents/results/<agent>/<id>.json        the agent writes it: started, then succeeded or failed
 *
 * Plain functions and no module state, so the dynamic provider that runs them serializes small.
 */

export const protocolFormat = 1;

export const agentsPrefix = "agents/";
export const inboxPrefix = `${agentsPrefix}inbox/`;
export const resultsRoot = `${agentsPrefix}results/`;

export function inboxKey(agent: string): string {
  return `${inboxPrefix}${agent}.json`;
}

export function resultsPrefix(agent: string): string {
  return `${resultsRoot}${agent}/`;
}

export function resultKey(agent: string, id: string): string {
  return `${resultsPrefix(agent)}${id}.json`;
}

/** The agent named in an inbox key, or undefined for another key. */
export function agentOfInboxKey(key: string): string | undefined {
  const m = /^agents\/inbox\/([^/]+)\.json$/.exec(key);
  return m?.[1];
}

/** An agent is a node (`virginia-1`) or an edge (`edge`): a DNS label, as it is in keys and file names. */
export const agentNamePattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Work ids: `<UTC time>-<8 hex>`, so that ids sort by when they were made. */
export const workIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const versionPattern = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
export const sha256Pattern = /^[0-9a-f]{64}$/;

/** A new work id: the time (sortable) and 32 random bits. */
export function newWorkId(now: Date = new Date()): string {
  const time = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const random = Array.from({ length: 8 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  return `${time}-${random}`;
}

/** Desired state: serve this release. A replaced node re-applies it; the settings are re-read from the store first. */
export interface DeployWork {
  kind: "deploy";
  id: string;
  version: string;
  sha256: string;
}

/** Once per release, before any node switches: the release's migration command with the app's environment, as the app user. */
export interface MigrateWork {
  kind: "migrate";
  id: string;
  version: string;
  sha256: string;
  /** Run in the unpacked release's directory by `sh -c`; empty: `bin/migrate` when the release has it, else nothing. */
  command: string;
  timeoutSeconds: number;
  /** An agent skips a job it first sees after this (a VM replaced long after the job was asked for). */
  expiresAt: string;
}

/** A one-off command (issue 11's cutover steps, the edge's routes): argv, its output returned. */
export interface ExecWork {
  kind: "exec";
  id: string;
  argv: string[];
  /** `app`: as the app's system user with the release's environment; `root`: as root, with only node.env. */
  user: "root" | "app";
  /** A bucket key whose object is the command's standard input. */
  stdinKey?: string;
  timeoutSeconds: number;
  expiresAt: string;
}

export type JobWork = MigrateWork | ExecWork;
export type Work = DeployWork | JobWork;

/** What an agent reads. Only the stack writes it, by compare-and-swap (several resources of one update may). */
export interface Inbox {
  format: typeof protocolFormat;
  agent: string;
  updatedAt: string;
  /** How often the agent polls this object (seconds): what the bucket's GETs cost. */
  pollSeconds?: number;
  /**
   * A rollout is under way and this agent's turn comes: poll every `fastPollSeconds` until then, so
   * that later batches start within a fraction of a second while an idle fleet polls slowly.
   */
  fastPollUntil?: string;
  fastPollSeconds?: number;
  deploy?: DeployWork;
  jobs: JobWork[];
}

export type ResultState = "started" | "succeeded" | "failed";

/** What an agent writes back, once when it starts a piece of work and once when it is done. */
export interface Result {
  format: typeof protocolFormat;
  agent: string;
  id: string;
  kind: string;
  state: ResultState;
  startedAt: string;
  finishedAt?: string;
  exitCode?: number;
  /** One line: why it failed (the script's own message), or what was done. */
  reason?: string;
  /** The end of the work's output, secrets replaced by [redacted]. */
  log?: string;
  /** /proc/sys/kernel/random/boot_id: a new one means the VM rebooted or was replaced. */
  boot: string;
  /** 2 and more: the agent was restarted while the work ran, and resumed it. */
  attempt: number;
  /** What serves on the node afterwards (deploys). */
  serving?: { version: string; sha256: string; port: number };
}

export function emptyInbox(agent: string, now: Date): Inbox {
  return { format: protocolFormat, agent, updatedAt: now.toISOString(), jobs: [] };
}

/** Reads an inbox the stack wrote before (any format-1 object); throws on anything else. */
export function parseInbox(text: string, agent: string): Inbox {
  const doc = parseJson(text, inboxKey(agent));
  if (doc.format !== protocolFormat) throw new Error(`${inboxKey(agent)} has format ${String(doc.format)}, not ${protocolFormat}`);
  const jobs = Array.isArray(doc.jobs) ? (doc.jobs as JobWork[]) : [];
  return { ...(doc as unknown as Inbox), agent, jobs };
}

/** Reads and checks a result an agent wrote; throws with the key when it is not one. */
export function parseResult(text: string, key: string): Result {
  const doc = parseJson(text, key);
  const problems: string[] = [];
  if (doc.format !== protocolFormat) problems.push(`format ${String(doc.format)}`);
  for (const field of ["agent", "id", "kind", "startedAt", "boot"] as const)
    if (typeof doc[field] !== "string") problems.push(`no ${field}`);
  if (!["started", "succeeded", "failed"].includes(String(doc.state))) problems.push(`state ${String(doc.state)}`);
  if (typeof doc.attempt !== "number") problems.push("no attempt");
  if (problems.length > 0) throw new Error(`${key} is not a portage agent result (${problems.join(", ")})`);
  return doc as unknown as Result;
}

function parseJson(text: string, key: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${key} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new Error(`${key} is not a JSON object`);
  return doc as Record<string, unknown>;
}

/** The problems with a piece of work before it is written (what the agent would refuse). */
export function workProblems(work: Work): string[] {
  const problems: string[] = [];
  if (!workIdPattern.test(work.id)) problems.push(`id "${work.id}" is not ${workIdPattern}`);
  if (work.kind === "deploy" || work.kind === "migrate") {
    if (!versionPattern.test(work.version)) problems.push(`version "${work.version}" is not a release version`);
    if (!sha256Pattern.test(work.sha256)) problems.push(`sha256 "${work.sha256}" is not 64 hex digits`);
  }
  if (work.kind === "migrate" && /[\r\n\0]/.test(work.command)) problems.push("the migration command has a line break");
  if (work.kind === "exec") {
    if (work.argv.length === 0) problems.push("argv is empty");
    if (work.argv.some((a) => a.includes("\0"))) problems.push("argv holds a NUL byte");
  }
  return problems;
}
