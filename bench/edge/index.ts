import { cpus } from "node:os";
import { freePorts, removeScratchDirs, scratchDir } from "../../lab/scratch/scratch";
import { withCleanup } from "../lib/cleanup";
import { median, round } from "../lib/stats";
import { cpuSeconds, pinProcess, treeCpuSeconds } from "../lib/proc";
import { seedConfigDrift, startBalancer, startPortageProxy, startSeedProxy, type Proxy } from "./proxies";
import { startResponders, type Responders } from "./responder";
import { wrk, type WrkResult, type WrkSettings } from "./wrk";

/**
 * Edge throughput: wrk through (a) portage's rendered HAProxy config, (b) the seed article's config,
 * (c) straight to one backend and (d) through the layer-4 balancer stand-in in front of (a), as an
 * edge pair runs behind the cloud's balancer; alternating a, b, c, d each round so that a change in
 * the machine's load hits all alike. Medians over the rounds. The proxy under test runs alone on
 * the last core, as an edge runs alone on its VM; wrk, the backends and the balancer stand-in share
 * the others (see `coreLayout`).
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
  // One wrk thread drives one backend (direct) at full speed; 32 keep-alive connections keep the
  // proxy and the backends busy without queueing (see the README, "Benchmarks").
  wrk: { threads: 1, connections: 32 },
});

export const edgeTargets = ["portage", "seed", "direct", "balancer"] as const;
export type EdgeTarget = (typeof edgeTargets)[number];

/**
 * Which cores run what, as `taskset` cpu lists. The edge is a VM of its own in every footprint, so
 * the proxy under test gets the last core to itself; everything else (wrk, the backends, the
 * balancer stand-in, which is the cloud's and on no VM of the user's) shares the rest. Direct is
 * measured on the same cores as wrk and the backends: what the same clients and nodes get without
 * an edge. Each round also measures (a) and (c) with every process free on every core
 * (`sharedCores`), as before this layout. One core: nothing to pin.
 */
export interface CoreLayout {
  edge: string;
  others: string;
  all: string;
  /** How many cores `others` names. */
  otherCount: number;
}

export function coreLayout(cores: number): CoreLayout | undefined {
  if (cores < 2) return undefined;
  const others = cores === 2 ? "0" : `0-${cores - 2}`;
  return { edge: String(cores - 1), others, all: `0-${cores - 1}`, otherCount: cores - 1 };
}

export interface EdgeRun extends Omit<WrkResult, "cpuSeconds"> {
  round: number;
  target: EdgeTarget;
  /** HAProxy's utime + stime over the measured run, per request (the balancer's own for d); null for direct. */
  cpuUsPerRequest: number | null;
  /** The other processes' CPU per request in the same run: wrk, and the three backends together. */
  clientCpuUs?: number;
  backendsCpuUs?: number;
  /**
   * How busy each side was over the run, from 0 to 1: the edge's core (the proxy under test: (a)'s
   * edge for a and d, the seed's for b) and the other cores on average (wrk, the backends, the
   * balancer stand-in). 1 on both: the machine gave all it had.
   */
  busy?: { edge: number; others: number };
}

export interface EdgeResults {
  settings: EdgeSettings & { backends: string; hosts: string[]; layout?: CoreLayout | null };
  rps: Record<EdgeTarget, number>;
  latencyMs: { p50: Record<EdgeTarget, number>; p99: Record<EdgeTarget, number> };
  cpuUsPerRequest: { portage: number; seed: number; balancer?: number };
  /** Each proxy's requests/s over direct's in the same round, median over the rounds. */
  ratioToDirect: { portage: number; seed: number };
  /** (d) over (a) in the same round: what the balancer hop leaves of the edge's throughput. */
  balancerToPortage?: number;
  /**
   * (a) and (c) once more with nothing pinned: wrk, the backends and a second portage edge (one
   * HAProxy thread per core, its default) free on every core. Medians, and (a) over (c) round by round.
   */
  sharedCores?: { portage: number; direct: number; ratio: number; runs: { round: number; portage: number; direct: number }[] };
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

/** CPU seconds over wall seconds, spread over `cores`: the share of those cores a run kept busy. */
export const busyShare = (cpuSeconds: number, seconds: number, cores: number): number => round(cpuSeconds / seconds / cores, 2);

export async function edgeBenchmark(settings: EdgeSettings, log: (line: string) => void): Promise<EdgeResults> {
  const notes: string[] = [];
  const drift = seedConfigDrift();
  if (drift) notes.push(drift);
  const layout = coreLayout(cpus().length);
  if (!layout) notes.push("one core: the proxy could not be given a core of its own; every process shared it");
  // What this process starts inherits its cores: the backends and wrk the others, the proxies the edge's.
  const onCores = async <T>(cores: keyof Omit<CoreLayout, "otherCount">, start: () => Promise<T>): Promise<T> => {
    if (!layout) return start();
    pinProcess(process.pid, layout[cores]);
    try {
      return await start();
    } finally {
      pinProcess(process.pid, layout.others);
    }
  };
  const dir = scratchDir("bench-edge");
  const [live = 0, free = 0, seedPort = 0, balancerPort = 0] = await freePorts(4);
  const proxies: Partial<Record<EdgeTarget, Proxy>> = {};
  let responders: Responders | undefined;
  const runs: EdgeRun[] = [];
  const shared: { round: number; portage: number; direct: number }[] = [];
  let sharedEdge: Proxy | undefined;
  const cleanup = async () => {
    if (layout) pinProcess(process.pid, layout.all);
    await proxies.portage?.stop();
    await sharedEdge?.stop();
    await proxies.seed?.stop();
    await proxies.balancer?.stop();
    await responders?.stop();
    removeScratchDirs();
  };
  await withCleanup(cleanup, async () => {
    if (layout) pinProcess(process.pid, layout.others);
    responders = await startResponders(dir, hosts, live);
    const backends = responders;
    proxies.portage = await onCores("edge", () => startPortageProxy(hosts, [live, free]));
    proxies.seed = await onCores("edge", () => startSeedProxy(dir, seedPort, backends.addresses));
    proxies.balancer = await startBalancer(dir, balancerPort, new URL(proxies.portage.url).host);
    if (layout) sharedEdge = await onCores("all", () => startPortageProxy(hosts, [live, free]));
    const urls: Record<EdgeTarget, string> = {
      portage: proxies.portage.url,
      seed: proxies.seed.url,
      direct: `http://${backends.addresses[0]}/`,
      balancer: proxies.balancer.url,
    };
    const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const edgeCpu = () => treeCpuSeconds(proxies.portage?.pid ?? 0) + treeCpuSeconds(proxies.seed?.pid ?? 0);
    const balancerCpu = () => treeCpuSeconds(proxies.balancer?.pid ?? 0);
    for (let n = 1; n <= settings.rounds; n++) {
      for (const target of edgeTargets) {
        const proxy = proxies[target];
        await wrk(urls[target], settings.warmupSeconds, settings.wrk);
        const before = {
          proxy: proxy ? treeCpuSeconds(proxy.pid) : 0,
          backends: cpuOf(backends.pids),
          edge: edgeCpu(),
          balancer: balancerCpu(),
        };
        const result = await wrk(urls[target], settings.seconds, settings.wrk);
        const cpu = proxy ? treeCpuSeconds(proxy.pid) - before.proxy : 0;
        const perRequest = (seconds: number) => round((seconds * 1e6) / result.requests, 1);
        const cpuUsPerRequest = proxy ? perRequest(cpu) : null;
        const { cpuSeconds: clientSeconds, ...measured } = result;
        const backendsSeconds = cpuOf(backends.pids) - before.backends;
        const busy = layout && {
          edge: busyShare(edgeCpu() - before.edge, result.seconds, 1),
          others: busyShare(backendsSeconds + balancerCpu() - before.balancer + clientSeconds, result.seconds, layout.otherCount),
        };
        runs.push({
          round: n,
          target,
          ...measured,
          cpuUsPerRequest,
          clientCpuUs: perRequest(clientSeconds),
          backendsCpuUs: perRequest(backendsSeconds),
          ...(busy ? { busy } : {}),
        });
        log(
          `edge round ${n}/${settings.rounds} ${target.padEnd(8)} ${Math.round(result.rps)} req/s, p50 ${round(result.p50Ms, 3)} ms, p99 ${round(result.p99Ms, 3)} ms` +
            `${cpuUsPerRequest === null ? "" : `, ${cpuUsPerRequest} µs CPU/request`}${busy ? `, busy ${busy.edge} / ${busy.others}` : ""}` +
            `${result.errors ? `, ${result.errors} errors` : ""}`,
        );
      }
      if (layout && sharedEdge) {
        const edgeUrl = sharedEdge.url;
        for (const pid of backends.pids) pinProcess(pid, layout.all);
        const rps = async (url: string) => {
          await wrk(url, settings.warmupSeconds, settings.wrk);
          return (await wrk(url, settings.seconds, settings.wrk)).rps;
        };
        const run = await onCores("all", async () => ({ round: n, portage: await rps(edgeUrl), direct: await rps(urls.direct) }));
        for (const pid of backends.pids) pinProcess(pid, layout.others);
        shared.push(run);
        log(
          `edge round ${n}/${settings.rounds} on shared cores: portage ${Math.round(run.portage)} req/s, direct ${Math.round(run.direct)} req/s`,
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
    settings: {
      ...settings,
      backends: "3 HAProxy processes (nbthread 1) answering a 2-byte 200 with http-request return",
      hosts,
      layout: layout ?? null,
    },
    rps: perTarget((r) => r.rps, 0),
    latencyMs: { p50: perTarget((r) => r.p50Ms, 3), p99: perTarget((r) => r.p99Ms, 3) },
    cpuUsPerRequest: {
      portage: med("portage", (r) => r.cpuUsPerRequest ?? NaN, 1),
      seed: med("seed", (r) => r.cpuUsPerRequest ?? NaN, 1),
      balancer: med("balancer", (r) => r.cpuUsPerRequest ?? NaN, 1),
    },
    ratioToDirect: { portage: ratioToDirect(runs, "portage"), seed: ratioToDirect(runs, "seed") },
    balancerToPortage: ratioToDirect(runs, "balancer", "portage"),
    ...(layout
      ? {
          sharedCores: {
            portage: round(median(shared.map((r) => r.portage)), 0),
            direct: round(median(shared.map((r) => r.direct)), 0),
            ratio: round(median(shared.map((r) => r.portage / r.direct)), 2),
            runs: shared,
          },
        }
      : {}),
    errors: Object.fromEntries(edgeTargets.map((t) => [t, of(t).reduce((s, r) => s + r.errors, 0)])) as Record<EdgeTarget, number>,
    notes,
    runs,
  };
}
