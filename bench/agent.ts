import type { BatchSize, StepOutcome } from "../components/rollout";
import { startLoad } from "../lab/fleet/loadgen";
import { buildRelease } from "../lab/fleet/release";
import { sleep } from "../lab/fleet/run";
import { withFleet } from "./lib/fleet";
import { median, round } from "./lib/stats";

/**
 * Rollouts through the bucket (components/rollout, portage-agent on the nodes) on a local fleet of
 * `nodes` real releases, the bucket the S3 stand-in: how fast an agent notices its desired version
 * (written by the stack -> the agent starts the deploy, both clocks the machine's), how much a
 * rollout in batches of `batchSize` adds to its batches' own deploy times, and what the agents'
 * polling costs (GETs per node, from the stand-in's request log).
 */
export interface AgentSettings {
  nodes: number;
  batchSize: BatchSize;
  pollSeconds: number;
  workers: number;
  rate: number;
  /** Idle time in which the agents' GETs are counted. */
  idleSeconds: number;
  marginSeconds: number;
}

export const agentSettings = (quick: boolean): AgentSettings => ({
  nodes: quick ? 12 : 30,
  batchSize: "25%",
  pollSeconds: 2,
  workers: 8,
  rate: 200,
  idleSeconds: quick ? 10 : 30,
  marginSeconds: 2,
});

/** S3 Standard GET and GCS Standard class B: $0.0004 per 1,000 requests (the providers' price pages). */
export const pricePerGet = 0.0004 / 1000;

export interface AgentResults {
  settings: AgentSettings;
  /** Seconds from the desired version written to the agent starting it, per node. */
  notice: {
    /** Batch 1: agents at rest, polling every `pollSeconds`. */
    atRest: { samples: number; p50: number; max: number };
    /** Later batches: told at the start that their turn comes, polling every 0.25 s meanwhile. */
    waiting: { samples: number; p50: number; max: number };
  };
  rollout: {
    seconds: number;
    batches: number;
    /** Each batch's deploy time: its slowest node, start to finish as the node reported them. */
    batchSeconds: number[];
    sumOfBatches: number;
    /** Rollout time / sum of the batches' deploy times. */
    ratio: number;
    sent: number;
    failed: number;
    p99Ms: number;
  };
  polling: { getsPerNodePerMinute: number; usdPerNodeMonth: number };
}

export async function agentBenchmark(settings: AgentSettings, log: (line: string) => void): Promise<AgentResults> {
  const v1 = await buildRelease({ version: "1.0.0" });
  const v2 = await buildRelease({ version: "2.0.0" });
  log(`agent: starting a ${settings.nodes}-node local fleet with agents (poll every ${settings.pollSeconds} s) on v1`);
  return withFleet(
    { nodes: settings.nodes, initialRelease: v1, healthTimeoutSeconds: 300, agent: { pollSeconds: settings.pollSeconds } },
    async (fleet) => {
      await fleet.waitForEdge(300_000);
      const requests = fleet.standIn!.requests;

      const idleFrom = Date.now();
      await sleep(settings.idleSeconds * 1000);
      const polls = requests.filter(
        (r) => r.at >= idleFrom && r.caller === "node" && r.method === "GET" && r.path.includes("/agents/inbox/"),
      ).length;
      const getsPerNodePerMinute = round((polls / settings.nodes / settings.idleSeconds) * 60, 1);
      log(`agent: ${polls} inbox GETs from ${settings.nodes} idle agents in ${settings.idleSeconds} s`);

      const load = startLoad({ url: fleet.edgeUrl, workers: settings.workers, rate: settings.rate });
      let seconds = 0;
      let result: Awaited<ReturnType<typeof fleet.roll>>;
      try {
        await sleep(settings.marginSeconds * 1000);
        const started = performance.now();
        result = await fleet.roll(v2, { batchSize: settings.batchSize, migrate: null, log: (l) => log(`  ${l}`) });
        seconds = (performance.now() - started) / 1000;
        await sleep(settings.marginSeconds * 1000);
      } finally {
        await load.stop();
      }
      const report = await load.done;
      if (result.error) throw new Error(`the ${settings.nodes}-node rollout failed: ${result.error.message}`);
      const { outcome } = result;
      const byAgent = new Map(outcome.deploys.map((d) => [d.agent, d]));
      const batchSeconds = outcome.batches.map((batch) => Math.max(...batch.map((a) => deploySeconds(byAgent.get(a)))));
      const sumOfBatches = batchSeconds.reduce((s, x) => s + x, 0);
      const notice = (d: StepOutcome) => (Date.parse(d.result?.startedAt ?? "") - d.askedAt) / 1000;
      const first = new Set(outcome.batches[0]);
      const spread = (xs: number[]) => ({ samples: xs.length, p50: round(median(xs), 2), max: round(Math.max(...xs), 2) });
      const results: AgentResults = {
        settings,
        notice: {
          atRest: spread(outcome.deploys.filter((d) => first.has(d.agent)).map(notice)),
          waiting: spread(outcome.deploys.filter((d) => !first.has(d.agent)).map(notice)),
        },
        rollout: {
          seconds: round(seconds, 2),
          batches: outcome.batches.length,
          batchSeconds: batchSeconds.map((s) => round(s, 2)),
          sumOfBatches: round(sumOfBatches, 2),
          ratio: round(seconds / sumOfBatches, 3),
          sent: report.sent,
          failed: report.failed,
          p99Ms: report.latencyMs.p99,
        },
        polling: { getsPerNodePerMinute, usdPerNodeMonth: round(getsPerNodePerMinute * 60 * 24 * 30 * pricePerGet, 2) },
      };
      log(
        `agent: ${settings.nodes} nodes in ${results.rollout.batches} batches took ${results.rollout.seconds} s for ${results.rollout.sumOfBatches} s of deploys ` +
          `(${results.rollout.ratio}x); noticed after ${results.notice.atRest.max} s at rest, ${results.notice.waiting.max} s waiting; ${report.failed}/${report.sent} failed`,
      );
      return results;
    },
  );
}

/** A node's deploy as it reported it: from starting to finishing (its own clock, the machine's here). */
function deploySeconds(d: StepOutcome | undefined): number {
  if (!d?.result?.finishedAt) throw new Error(`no finished deploy for ${d?.agent ?? "a node"}`);
  return (Date.parse(d.result.finishedAt) - Date.parse(d.result.startedAt)) / 1000;
}
