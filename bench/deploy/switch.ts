import { startLoad, type FailureKind } from "../../lab/fleet/loadgen";
import { sleep, type RunResult } from "../../lab/fleet/run";
import { round } from "../lib/stats";
import { accepts } from "../edge/responder";

/**
 * One blue/green switch under a paced load through the edge, on the load generator's clock:
 * the deploy starts at `switchAtMs`; meanwhile the benchmark polls the new port's health endpoint
 * (when it is ready) and the old port (when it stops accepting connections), every 100 ms, from
 * outside the host, so both approaches are timed the same way whatever their scripts print.
 */
export interface SwitchPlan {
  /** What the load requests, through the edge. */
  url: string;
  workers: number;
  rate: number;
  durationMs: number;
  switchAtMs: number;
  /** The new color's health endpoint, reached directly. */
  newHealthUrl: string;
  old: { host: string; port: number };
  versions: { old: string; new: string };
  deploy(): Promise<RunResult>;
}

/** Seconds on the load's clock (0 = the load started); null when it never happened. */
type At = number | null;

export interface SwitchResult {
  sent: number;
  failed: number;
  failures: Record<FailureKind, number>;
  failedPercent: number;
  latencyMs: { p50: number; p99: number; max: number };
  deployExit: number;
  /** The deploy's stderr when it failed. */
  deployError?: string;
  switchAt: number;
  /** The new color first answered its health endpoint with 2xx. */
  newReadyAt: At;
  /** The first response of the new version through the edge. */
  newFirstTrafficAt: At;
  /** The last response of the old version through the edge. */
  oldLastTrafficAt: At;
  /** The old color's port first refused a connection. */
  oldStoppedAt: At;
  deployDoneAt: number;
  /** The first and last failed request (the span of the outage, if any). */
  firstFailureAt: At;
  lastFailureAt: At;
  /** newFirstTrafficAt - newReadyAt: how long a ready release waited for traffic. */
  firstTrafficSeconds: At;
  /** newFirstTrafficAt - switchAt. */
  firstTrafficAfterSwitchSeconds: At;
  failureSamples: { atMs: number; kind: FailureKind; detail: string }[];
}

export async function measureSwitch(plan: SwitchPlan): Promise<SwitchResult> {
  const load = startLoad({ url: plan.url, workers: plan.workers, rate: plan.rate, durationMs: plan.durationMs });
  const startedAt = load.snapshot().startedAt;
  const clock = () => (Date.now() - startedAt) / 1000;
  await sleep(plan.switchAtMs);
  const switchAt = clock();
  let newReadyAt: At = null;
  let oldStoppedAt: At = null;
  let polling = true;
  const pollers = [
    (async () => {
      while (polling && newReadyAt === null) {
        if (await healthy(plan.newHealthUrl)) newReadyAt = clock();
        else await sleep(100);
      }
    })(),
    (async () => {
      while (polling && oldStoppedAt === null) {
        if (!(await accepts(plan.old.host, plan.old.port))) oldStoppedAt = clock();
        else await sleep(100);
      }
    })(),
  ];
  const deployed = await plan.deploy();
  const deployDoneAt = clock();
  const report = await load.done;
  polling = false;
  await Promise.all(pollers);

  const at = (ms: number | undefined | null) => (ms === undefined || ms === null ? null : ms / 1000);
  const newFirstTrafficAt = at(report.byVersion[plan.versions.new]?.firstMs);
  const since = (a: At, b: At) => (a === null || b === null ? null : round(a - b, 2));
  const r2 = (v: At) => (v === null ? null : round(v, 2));
  return {
    sent: report.sent,
    failed: report.failed,
    failures: report.failures,
    failedPercent: round((100 * report.failed) / Math.max(1, report.sent), 1),
    latencyMs: report.latencyMs,
    deployExit: deployed.code,
    ...(deployed.code !== 0 ? { deployError: (deployed.stderr || deployed.stdout).trim().split("\n").slice(-5).join("\n") } : {}),
    switchAt: round(switchAt, 2),
    newReadyAt: r2(newReadyAt),
    newFirstTrafficAt: r2(newFirstTrafficAt),
    oldLastTrafficAt: r2(at(report.byVersion[plan.versions.old]?.lastMs)),
    oldStoppedAt: r2(oldStoppedAt),
    deployDoneAt: round(deployDoneAt, 2),
    firstFailureAt: r2(at(report.failureSamples[0]?.atMs)),
    lastFailureAt: r2(at(report.lastFailureMs)),
    firstTrafficSeconds: since(newFirstTrafficAt, newReadyAt),
    firstTrafficAfterSwitchSeconds: since(newFirstTrafficAt, switchAt),
    failureSamples: report.failureSamples.slice(0, 5),
  };
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}
