import type { Fleet } from "../../lab/fleet/fleet";
import { buildRelease, type BuiltRelease } from "../../lab/fleet/release";
import { benchNetwork, withFleet } from "../lib/fleet";
import { createSeedHost, seedPorts, type SeedHost } from "./seed-host";
import { measureSwitch, type SwitchResult } from "./switch";

/**
 * Zero-downtime deploy: one node's blue/green switch under a paced load through the edge, with
 * (a) portage (a one-node local fleet: portage's edge config, portage-deploy, the real release) and
 * (b) the seed article's approach (./seed/: its deploy script and unit, its Traefik health checks
 * reproduced in HAProxy), each with a quick backend and with every request taking 100 ms (requests
 * in flight at the switch). The runs alternate a, b, a, b.
 */
export interface DeploySettings {
  workers: number;
  rate: number;
  durationSeconds: number;
  switchAtSeconds: number;
  /** The in-flight runs: every request is /slow?ms=<slowMs>, over more workers so the rate holds. */
  slowMs: number;
  slowWorkers: number;
}

export const deploySettings = (quick: boolean): DeploySettings => ({
  workers: 8,
  rate: 400,
  // Both approaches are done switching 12 s after it began (the seed's outage lasts at most one
  // 10 s check cycle after its old port stops); the full run leaves room after it.
  durationSeconds: quick ? 20 : 40,
  switchAtSeconds: 5,
  slowMs: 100,
  // 400 requests/s of 100 ms each is 40 in flight: 64 keep-alive workers keep the pace.
  slowWorkers: 64,
});

export const approaches = ["portage", "seed"] as const;
export type Approach = (typeof approaches)[number];
export type Backend = "quick" | "slow";

export interface DeployRun extends SwitchResult {
  approach: Approach;
  backend: Backend;
  from: string;
  to: string;
}

export interface DeployResults {
  settings: DeploySettings & { network: string };
  failed: Record<Approach, number>;
  failedInFlight: Record<Approach, number>;
  firstTrafficSeconds: Record<Approach, number | null>;
  firstTrafficSecondsInFlight: Record<Approach, number | null>;
  runs: DeployRun[];
}

export async function deployBenchmark(settings: DeploySettings, log: (line: string) => void): Promise<DeployResults> {
  const v1 = await buildRelease({ version: "1.0.0" });
  const v2 = await buildRelease({ version: "2.0.0" });
  log("deploy: starting a one-node local fleet (portage) and the seed host");
  const runs: DeployRun[] = [];
  await withFleet({ nodes: 1, initialRelease: v1, healthTimeoutSeconds: 60 }, async (fleet) => {
    await fleet.waitForEdge();
    // In the bucket, as the release component uploads it before any node deploys it.
    fleet.publish(v2);
    // The seed host joins the fleet's network: the fleet's destroy() removes it with the rest.
    const seed = await createSeedHost(fleet.plan, fleet.workDir, `${benchNetwork.subnet}.20`);
    await seed.publish(v1);
    await seed.publish(v2);
    const first = await seed.deploy(v1);
    if (first.code !== 0) throw new Error(`the seed's first deploy failed: ${first.stderr || first.stdout}`);
    await seed.waitSettled(await seed.servingPort());

    // quick: v1 -> v2; slow: back to v1. Each approach's switch goes the same way.
    for (const [backend, from, to] of [
      ["quick", v1, v2],
      ["slow", v2, v1],
    ] as const) {
      for (const approach of approaches) {
        const run =
          approach === "portage"
            ? await portageSwitch(fleet, settings, backend, from, to)
            : await seedSwitch(seed, settings, backend, from, to);
        runs.push(run);
        log(describeRun(run));
      }
    }
  });
  const pick = <T>(backend: Backend, f: (r: DeployRun) => T) =>
    Object.fromEntries(approaches.map((a) => [a, f(runs.find((r) => r.approach === a && r.backend === backend) as DeployRun)])) as Record<
      Approach,
      T
    >;
  return {
    settings: { ...settings, network: `${benchNetwork.subnet}.0/24 (${benchNetwork.prefix}-*)` },
    failed: pick("quick", (r) => r.failed),
    failedInFlight: pick("slow", (r) => r.failed),
    firstTrafficSeconds: pick("quick", (r) => r.firstTrafficSeconds),
    firstTrafficSecondsInFlight: pick("slow", (r) => r.firstTrafficSeconds),
    runs,
  };
}

function loadOf(settings: DeploySettings, backend: Backend, base: string) {
  return backend === "quick"
    ? { url: base, workers: settings.workers, rate: settings.rate }
    : { url: `${base}slow?ms=${settings.slowMs}`, workers: settings.slowWorkers, rate: settings.rate };
}

async function portageSwitch(
  fleet: Fleet,
  settings: DeploySettings,
  backend: Backend,
  from: BuiltRelease,
  to: BuiltRelease,
): Promise<DeployRun> {
  const node = fleet.nodes[0];
  if (!node) throw new Error("the fleet has no node");
  await fleet.waitForEdge();
  const old = (await fleet.serving(node)).port;
  if ((await fleet.serving(node)).version !== from.version)
    throw new Error(`the portage node serves ${(await fleet.serving(node)).version}, not ${from.version}`);
  const next = node.runtime.app.ports.find((p) => p !== old) ?? 0;
  const result = await measureSwitch({
    ...loadOf(settings, backend, fleet.edgeUrl),
    durationMs: settings.durationSeconds * 1000,
    switchAtMs: settings.switchAtSeconds * 1000,
    newHealthUrl: `http://${node.address}:${next}${node.runtime.app.healthPath}`,
    old: { host: node.address, port: old },
    versions: { old: from.version, new: to.version },
    deploy: () => fleet.deploy(node, to),
  });
  return { approach: "portage", backend, from: from.version, to: to.version, ...result };
}

async function seedSwitch(
  seed: SeedHost,
  settings: DeploySettings,
  backend: Backend,
  from: BuiltRelease,
  to: BuiltRelease,
): Promise<DeployRun> {
  const old = await seed.servingPort();
  // Start from a settled proxy, as a deploy an hour after the last one would.
  await seed.waitSettled(old);
  const next = seedPorts.find((p) => p !== old) ?? 0;
  const address = seed.host.address;
  const result = await measureSwitch({
    ...loadOf(settings, backend, seed.url),
    durationMs: settings.durationSeconds * 1000,
    switchAtMs: settings.switchAtSeconds * 1000,
    newHealthUrl: `http://${address}:${next}/ping`,
    old: { host: address, port: old },
    versions: { old: from.version, new: to.version },
    deploy: () => seed.deploy(to),
  });
  return { approach: "seed", backend, from: from.version, to: to.version, ...result };
}

export function describeRun(r: DeployRun): string {
  const s = (v: number | null) => (v === null ? "never" : `${v.toFixed(1)} s`);
  return (
    `deploy ${r.approach.padEnd(7)} ${r.backend.padEnd(5)} ${r.from} -> ${r.to}: ${r.failed}/${r.sent} failed (${r.failedPercent}%)` +
    `, deploy exit ${r.deployExit}; switch ${s(r.switchAt)}, new ready ${s(r.newReadyAt)}, new traffic ${s(r.newFirstTrafficAt)}` +
    `, old stopped ${s(r.oldStoppedAt)}, old last ${s(r.oldLastTrafficAt)}, deploy done ${s(r.deployDoneAt)}` +
    (r.failed > 0 ? `, failures ${s(r.firstFailureAt)}..${s(r.lastFailureAt)}` : "") +
    (r.deployError ? `\n  deploy error: ${r.deployError}` : "")
  );
}
