import * as pulumi from "@pulumi/pulumi";
import type { BatchSize } from "./batches";
import { batchesOf, parseBatchSize } from "./batches";
import { outputTail } from "./agents";
import { openBucket, type BucketRef } from "./open";
import { runCommand, runRollout, type RolloutIo } from "./orchestrator";
import { agentNamePattern, sha256Pattern, versionPattern } from "./protocol";

/**
 * The rollout as resources of the stack: dynamic resources whose create/update run the
 * orchestrator during `pulumi up` with the credentials the CLI has, and do nothing in a preview
 * (the engine calls only check and diff there; diff says what `pulumi up` will do).
 * The providers are serialized into the state: they reach the SDKs by `require` where they run.
 */

export interface RolloutInputs {
  bucket: BucketRef;
  version: string;
  sha256: string;
  /** A revision of the app's settings and secrets (never the values): a change rolls the fleet. */
  settings: string;
  /** The nodes (agent names) in rollout order. */
  nodes: string[];
  batchSize: BatchSize;
  /** null: no migration; "": `bin/migrate` when the release has it; else the command. */
  migrate: string | null;
  pollSeconds: number;
  pickupTimeoutSeconds: number;
  deployTimeoutSeconds: number;
  migrateTimeoutSeconds: number;
}

export interface RolloutOutputs extends RolloutInputs {
  finishedAt: string;
  seconds: number;
  /** The node that ran the migration and how long it took; its output is in `pulumi up`'s log. */
  migratedOn: string | null;
}

/** What changes the fleet now; the other inputs shape the next rollout only. */
const rollsOn = ["version", "sha256", "settings"] as const;

/** Inputs a rollout cannot run with: the preview fails with these before anything happens. */
export function rolloutInputProblems(i: Partial<RolloutInputs>): string[] {
  const problems: string[] = [];
  if (typeof i.version !== "string" || !versionPattern.test(i.version))
    problems.push(`version "${String(i.version)}" is not a release version`);
  if (typeof i.sha256 !== "string" || !sha256Pattern.test(i.sha256)) problems.push(`sha256 is not 64 hex digits`);
  const bad = (i.nodes ?? []).filter((n) => !agentNamePattern.test(n));
  if (bad.length > 0) problems.push(`node names ${bad.join(", ")} are not DNS labels`);
  if ("problem" in parseBatchSize(i.batchSize)) problems.push(`batchSize ${JSON.stringify(i.batchSize)} is not a count or a share`);
  return problems;
}

function say(line: string): void {
  // The dynamic provider's standard output reaches `pulumi up` as info messages.
  console.log(`rollout: ${line}`);
}

const rolloutProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: RolloutInputs, news: RolloutInputs) {
    return { inputs: news, failures: rolloutInputProblems(news).map((reason) => ({ property: "", reason })) };
  },
  async diff(_id: string, olds: RolloutOutputs, news: RolloutInputs) {
    const changed = rollsOn.filter((k) => olds[k] !== news[k]);
    if (changed.length > 0) {
      const batches = batchesOf(news.nodes, news.batchSize).length;
      say(
        `pulumi up rolls ${news.version} out to ${news.nodes.length} nodes in ${batches} batch${batches === 1 ? "" : "es"}` +
          ` (${changed.join(", ")} changed)${news.migrate !== null && (olds.version !== news.version || olds.sha256 !== news.sha256) ? ", migrating first" : ""}; a preview runs nothing on the servers`,
      );
    }
    return { changes: changed.length > 0 };
  },
  async create(inputs: RolloutInputs) {
    return { id: "rollout", outs: await roll(undefined, inputs) };
  },
  async update(_id: string, olds: RolloutOutputs, news: RolloutInputs) {
    return { outs: await roll(olds, news) };
  },
  async delete() {
    // The agents keep their inboxes: removing the resource must never change what serves.
  },
};

async function roll(olds: RolloutOutputs | undefined, news: RolloutInputs): Promise<RolloutOutputs> {
  const io: RolloutIo = { log: say };
  // A settings change alone restarts the fleet on the release it runs: no migration then.
  const newRelease = !olds || olds.version !== news.version || olds.sha256 !== news.sha256;
  const outcome = await runRollout(
    openBucket(news.bucket),
    {
      version: news.version,
      sha256: news.sha256,
      nodes: news.nodes,
      batchSize: news.batchSize,
      ...(news.migrate !== null && newRelease ? { migrate: { command: news.migrate } } : {}),
      pollSeconds: news.pollSeconds,
      timeouts: {
        pickupSeconds: news.pickupTimeoutSeconds,
        deploySeconds: news.deployTimeoutSeconds,
        migrateSeconds: news.migrateTimeoutSeconds,
      },
    },
    io,
  );
  return { ...news, finishedAt: new Date().toISOString(), seconds: outcome.seconds, migratedOn: outcome.migration?.agent ?? null };
}

/**
 * Rolls the fleet onto `version` through the bucket when the version, the tarball or the app's
 * settings change: the migration first (when on), then the nodes batch by batch, stopping at the
 * first failure with the node's reason. Make `releases/current` depend on it.
 */
export class Rollout extends pulumi.dynamic.Resource {
  declare readonly finishedAt: pulumi.Output<string>;
  declare readonly migratedOn: pulumi.Output<string | null>;

  constructor(
    name: string,
    args: pulumi.Inputs & { [K in keyof RolloutInputs]: pulumi.Input<RolloutInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(rolloutProvider, name, { ...args, finishedAt: undefined, seconds: undefined, migratedOn: undefined }, opts, "rollout", "Rollout");
  }
}

export interface AgentCommandInputs {
  bucket: BucketRef;
  /** The agent that runs it: a node's name, or `edge`. */
  agent: string;
  argv: string[];
  user: "root" | "app";
  /** A bucket key whose object is the command's standard input (e.g. the edge's routes). */
  stdinKey?: string;
  timeoutSeconds: number;
  pickupTimeoutSeconds: number;
  /** Anything whose change runs the command again. */
  triggers: string[];
}

export interface AgentCommandOutputs extends AgentCommandInputs {
  exitCode: number;
  /** The end of its output, secrets redacted by the agent. */
  output: string;
  finishedAt: string;
}

const commandProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: AgentCommandOutputs, news: AgentCommandInputs) {
    const same = JSON.stringify([olds.agent, olds.argv, olds.user, olds.stdinKey ?? null, olds.triggers]);
    return { changes: same !== JSON.stringify([news.agent, news.argv, news.user, news.stdinKey ?? null, news.triggers]) };
  },
  async create(inputs: AgentCommandInputs) {
    return { id: `${inputs.agent}-command`, outs: await command(inputs) };
  },
  async update(_id: string, _olds: AgentCommandOutputs, news: AgentCommandInputs) {
    return { outs: await command(news) };
  },
  async delete() {},
};

async function command(inputs: AgentCommandInputs): Promise<AgentCommandOutputs> {
  const shown = inputs.argv.join(" ");
  say(`${shown} on ${inputs.agent}`);
  const step = await runCommand(
    openBucket(inputs.bucket),
    inputs.agent,
    {
      argv: inputs.argv,
      user: inputs.user,
      timeoutSeconds: inputs.timeoutSeconds,
      ...(inputs.stdinKey ? { stdinKey: inputs.stdinKey } : {}),
    },
    inputs.pickupTimeoutSeconds,
    { log: say },
  );
  const output = step.result?.log ?? "";
  if (!step.ok) throw new Error(`${shown} failed on ${inputs.agent}: ${step.reason}${output ? `\n${outputTail(step.result, 40)}` : ""}`);
  return { ...inputs, exitCode: step.result?.exitCode ?? 0, output, finishedAt: new Date().toISOString() };
}

/**
 * Runs a command on one VM through its agent (no SSH) when its triggers change, and fails the update
 * with the command's output when it exits non-zero. What issue 11's cutover steps and the edge's
 * routes are built on.
 */
export class AgentCommand extends pulumi.dynamic.Resource {
  declare readonly exitCode: pulumi.Output<number>;
  declare readonly output: pulumi.Output<string>;

  constructor(
    name: string,
    args: pulumi.Inputs & { [K in keyof AgentCommandInputs]: pulumi.Input<AgentCommandInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    // The output may hold what the command printed about the app's data: kept encrypted in the state.
    super(
      commandProvider,
      name,
      { ...args, exitCode: undefined, output: undefined, finishedAt: undefined },
      { ...opts, additionalSecretOutputs: ["output", ...(opts?.additionalSecretOutputs ?? [])] },
      "rollout",
      "AgentCommand",
    );
  }
}
