import { freePorts, removeScratchDirs, scratchDir } from "../../lab/scratch/scratch";
import { withCleanup } from "../lib/cleanup";
import { median, round } from "../lib/stats";
import { cpuSeconds, treeCpuSeconds } from "../lib/proc";
import { seedConfigDrift, startBalancer, startPortageProxy, startSeedProxy, type Proxy } from "./proxies";
import { startResponders, type Responders } from "./responder";
import { wrk, type WrkResult, type WrkSettings } from "./wrk";

/**
 * Edge throughput: wrk through (a) portage's rendered HAProxy config, (b) the seed article's config,
 * (c) straight to one backend and (d) through the layer-4 balancer stand-in in front of (a), as an
 * edge pair runs behind the cloud's balancer; alternating a, b, c, d each round so that a change in
 * the machine's load hits all alike. Medians over the rounds.
 */
export interface EdgeSettings {
  rounds: number;
  /** Each measured wrk run. */
  seconds: number;
  /** An unmeasured wrk run just before each measured one: connections open, caches warm. */
  warmupSeconds: number;
  wrk: WrkSettings;
}

export const edgeSettings = (quick: boolean): EdgeSettings => ({
  rounds: quick ? 3 : 7,
  seconds: quick ? 5 : 10,
  warmupSeconds: quick ? 1 : 2,
  // One wrk thread leaves the second core to the proxy and the backends; 32 keep-alive
  // connections keep them busy without queueing (see the README, "Benchmarks").
  wrk: { threads: 1, connections: 32 },
});

export const edgeTargets = ["portage", "seed", "direct", "balancer"] as const;
export type EdgeTarget = (typeof edgeTargets)[number];

export interface EdgeRun extends Omit<WrkResult, "cpuSeconds"> {
  round: number;
  target: EdgeTarget;
  /** HAProxy's utime + stime over the measured run, per request (the balancer's own for d); null for direct. */
  cpuUsPerRequest: number | null;
  /** The other processes' CPU per request in the same run: wrk, and the three backends together. */
  clientCpuUs?: number;
  backendsCpuUs?: number;
}

export interface EdgeResults {
  settings: EdgeSettings & { backends: string; hosts: string[] };
  rps: Record<EdgeTarget, number>;
  latencyMs: { p50: Record<EdgeTarget, number>; p99: Record<EdgeTarget, number> };
  cpuUsPerRequest: { portage: number; seed: number; balancer?: number };
  /** Each proxy's requests/s over direct's in the same round, median over the rounds. */
  ratioToDirect: { portage: number; seed: number };
  /** (d) over (a) in the same round: what the balancer hop leaves of the edge's throughput. */
  balancerToPortage?: number;
  /**
   * The most (a) can reach over (c) on this machine, from CPU alone: wrk, the proxy and the backends
   * share its cores, so with every core busy the ratio is the CPU per request of (c) (wrk + one
   * backend) over that of (a) (wrk + edge + backends). Median over the rounds, each round's runs paired.
   */
  hopCeiling?: number;
  errors: Record<EdgeTarget, number>;
  notes: string[];
  runs: EdgeRun[];
}

const hosts = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];

/**
 * A proxy's throughput over direct's, round by round: the three runs of a round are seconds apart,
 * so a change in the machine's load (other work on a shared machine) hits both sides of a ratio alike.
 */
export function ratioToDirect(runs: EdgeRun[], target: Exclude<EdgeTarget, "direct">, base: EdgeTarget = "direct"): number {
  const ratios = runs
    .filter((r) => r.target === target)
    .map((r) => r.rps / (runs.find((d) => d.target === base && d.round === r.round)?.rps ?? NaN));
  return round(median(ratios), 2);
}

/** `hopCeiling` of EdgeResults: per round, direct's CPU per request over portage's (all processes). */
export function hopCeiling(runs: EdgeRun[]): number {
  const total = (r: EdgeRun | undefined) => (r ? (r.clientCpuUs ?? NaN) + (r.cpuUsPerRequest ?? 0) + (r.backendsCpuUs ?? NaN) : NaN);
  const ceilings = runs
    .filter((r) => r.target === "portage")
    .map((r) => total(runs.find((d) => d.target === "direct" && d.round === r.round)) / total(r));
  return round(median(ceilings), 2);
}

export async function edgeBenchmark(settings: EdgeSettings, log: (line: string) => void): Promise<EdgeResults> {
  const notes: string[] = [];
  const drift = seedConfigDrift();
  if (drift) notes.push(drift);
  const dir = scratchDir("bench-edge");
  const [live = 0, free = 0, seedPort = 0, balancerPort = 0] = await freePorts(4);
  const proxies: Partial<Record<EdgeTarget, Proxy>> = {};
  let responders: Responders | undefined;
  const runs: EdgeRun[] = [];
  const cleanup = async () => {
    await proxies.portage?.stop();
    await proxies.seed?.stop();
    await proxies.balancer?.stop();
    await responders?.stop();
    removeScratchDirs();
  };
  await withCleanup(cleanup, async () => {
    responders = await startResponders(dir, hosts, live);
    proxies.portage = await startPortageProxy(hosts, [live, free]);
    proxies.seed = await startSeedProxy(dir, seedPort, responders.addresses);
    proxies.balancer = await startBalancer(dir, balancerPort, new URL(proxies.portage.url).host);
    const urls: Record<EdgeTarget, string> = {
      portage: proxies.portage.url,
      seed: proxies.seed.url,
      direct: `http://${responders.addresses[0]}/`,
      balancer: proxies.balancer.url,
    };
    for (let n = 1; n <= settings.rounds; n++) {
      for (const target of edgeTargets) {
        const proxy = proxies[target];
        await wrk(urls[target], settings.warmupSeconds, settings.wrk);
        const backendsCpu = () => (responders?.pids ?? []).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
        const cpuBefore = proxy ? treeCpuSeconds(proxy.pid) : 0;
        const backendsBefore = backendsCpu();
        const result = await wrk(urls[target], settings.seconds, settings.wrk);
        const cpu = proxy ? treeCpuSeconds(proxy.pid) - cpuBefore : 0;
        const perRequest = (seconds: number) => round((seconds * 1e6) / result.requests, 1);
        const cpuUsPerRequest = proxy ? perRequest(cpu) : null;
        const { cpuSeconds: clientSeconds, ...measured } = result;
        runs.push({
          round: n,
          target,
          ...measured,
          cpuUsPerRequest,
          clientCpuUs: perRequest(clientSeconds),
          backendsCpuUs: perRequest(backendsCpu() - backendsBefore),
        });
        log(
          `edge round ${n}/${settings.rounds} ${target.padEnd(8)} ${Math.round(result.rps)} req/s, p50 ${round(result.p50Ms, 3)} ms, p99 ${round(result.p99Ms, 3)} ms` +
            `${cpuUsPerRequest === null ? "" : `, ${cpuUsPerRequest} µs CPU/request`}${result.errors ? `, ${result.errors} errors` : ""}`,
        );
      }
    }
  });
  const of = (t: EdgeTarget) => runs.filter((r) => r.target === t);
  const med = (t: EdgeTarget, f: (r: EdgeRun) => number, digits: number) => round(median(of(t).map(f)), digits);
  const perTarget = (f: (r: EdgeRun) => number, digits: number) =>
    Object.fromEntries(edgeTargets.map((t) => [t, med(t, f, digits)])) as Record<EdgeTarget, number>;
  for (const t of edgeTargets) if (of(t).some((r) => r.errors > 0)) notes.push(`${t}: wrk counted errors (see runs)`);
  return {
    settings: { ...settings, backends: "3 HAProxy processes (nbthread 1) answering a 2-byte 200 with http-request return", hosts },
    rps: perTarget((r) => r.rps, 0),
    latencyMs: { p50: perTarget((r) => r.p50Ms, 3), p99: perTarget((r) => r.p99Ms, 3) },
    cpuUsPerRequest: {
      portage: med("portage", (r) => r.cpuUsPerRequest ?? NaN, 1),
      seed: med("seed", (r) => r.cpuUsPerRequest ?? NaN, 1),
      balancer: med("balancer", (r) => r.cpuUsPerRequest ?? NaN, 1),
    },
    ratioToDirect: { portage: ratioToDirect(runs, "portage"), seed: ratioToDirect(runs, "seed") },
    balancerToPortage: ratioToDirect(runs, "balancer", "portage"),
    hopCeiling: hopCeiling(runs),
    errors: Object.fromEntries(edgeTargets.map((t) => [t, of(t).reduce((s, r) => s + r.errors, 0)])) as Record<EdgeTarget, number>,
    notes,
    runs,
  };
}
