import type { Fleet } from "../lab/fleet/fleet";
import { startLoad } from "../lab/fleet/loadgen";
import { buildRelease, type BuiltRelease } from "../lab/fleet/release";
import { sleep } from "../lab/fleet/run";
import { withFleet } from "./lib/fleet";
import { round } from "./lib/stats";

/**
 * Rolling deploy of the local fleet (three nodes in network namespaces, the real release, the
 * harness's `rollout`, which runs portage-deploy in batches as the release component does) under a
 * paced load through the edge: v1 -> v2 with batch size 1, then, after an unmeasured roll back to
 * v1, v1 -> v2 with batch size 3.
 */
export interface RolloutSettings {
  nodes: number;
  workers: number;
  rate: number;
  /** Load before the rollout starts and after it ends. */
  marginSeconds: number;
}

export const rolloutSettings = (): RolloutSettings => ({ nodes: 3, workers: 8, rate: 400, marginSeconds: 2 });

export interface RolloutRun {
  batchSize: number;
  seconds: number;
  /** Each node's portage-deploy, in seconds. */
  nodeSeconds: Record<string, number>;
  sent: number;
  failed: number;
  latencyMs: { p50: number; p99: number; max: number };
  failureSamples: { atMs: number; kind: string; detail: string }[];
}

export interface RolloutResults {
  settings: RolloutSettings;
  seconds: { batch1: number; batch3: number };
  /** Failed requests over both rollouts. */
  failed: number;
  runs: RolloutRun[];
}

export async function rolloutBenchmark(settings: RolloutSettings, log: (line: string) => void): Promise<RolloutResults> {
  const v1 = await buildRelease({ version: "1.0.0" });
  const v2 = await buildRelease({ version: "2.0.0" });
  log(`rollout: starting a ${settings.nodes}-node local fleet on v1`);
  const runs: RolloutRun[] = [];
  await withFleet({ nodes: settings.nodes, initialRelease: v1, healthTimeoutSeconds: 60 }, async (fleet) => {
    await fleet.waitForEdge();
    runs.push(await measuredRollout(fleet, settings, v2, 1, log));
    // Back to v1 (not measured), so the batch-3 rollout makes the same change from the same state.
    await mustRoll(fleet, v1, settings.nodes);
    await fleet.waitForEdge();
    runs.push(await measuredRollout(fleet, settings, v2, 3, log));
  });
  const secondsOf = (b: number) => runs.find((r) => r.batchSize === b)?.seconds ?? NaN;
  return { settings, seconds: { batch1: secondsOf(1), batch3: secondsOf(3) }, failed: runs.reduce((s, r) => s + r.failed, 0), runs };
}

async function measuredRollout(
  fleet: Fleet,
  settings: RolloutSettings,
  release: BuiltRelease,
  batchSize: number,
  log: (line: string) => void,
): Promise<RolloutRun> {
  const load = startLoad({ url: fleet.edgeUrl, workers: settings.workers, rate: settings.rate });
  let seconds = 0;
  let results: Awaited<ReturnType<Fleet["rollout"]>> = [];
  try {
    await sleep(settings.marginSeconds * 1000);
    const started = performance.now();
    results = await fleet.rollout(release, batchSize);
    seconds = (performance.now() - started) / 1000;
    await sleep(settings.marginSeconds * 1000);
  } finally {
    await load.stop();
  }
  const report = await load.done;
  const failedNode = results.find((r) => r.result.code !== 0);
  if (failedNode || results.length !== fleet.nodes.length) {
    throw new Error(
      `the rollout to ${release.version} (batch ${batchSize}) failed on ${failedNode?.node ?? "?"}: ${failedNode?.result.stderr ?? ""}`,
    );
  }
  const run: RolloutRun = {
    batchSize,
    seconds: round(seconds, 2),
    nodeSeconds: Object.fromEntries(results.map((r) => [r.node, round(r.seconds, 2)])),
    sent: report.sent,
    failed: report.failed,
    latencyMs: report.latencyMs,
    failureSamples: report.failureSamples.slice(0, 5),
  };
  log(
    `rollout batch ${batchSize}: ${run.seconds} s (${Object.entries(run.nodeSeconds)
      .map(([n, s]) => `${n} ${s} s`)
      .join(", ")}), ` + `${run.failed}/${run.sent} failed, p99 ${run.latencyMs.p99} ms`,
  );
  return run;
}

async function mustRoll(fleet: Fleet, release: BuiltRelease, batchSize: number): Promise<void> {
  const results = await fleet.rollout(release, batchSize);
  const bad = results.find((r) => r.result.code !== 0);
  if (bad || results.length !== fleet.nodes.length)
    throw new Error(`rolling back to ${release.version} failed on ${bad?.node ?? "?"}: ${bad?.result.stderr ?? ""}`);
}
