import { exec } from "../lab/fleet/host";
import { startLoad, type LoadReport } from "../lab/fleet/loadgen";
import { removeNetwork } from "../lab/fleet/network";
import { balancerCheck, RegionalFleet, type Region, type RegionalEdge } from "../lab/fleet/regional";
import { buildRelease } from "../lab/fleet/release";
import { sleep, waitFor } from "../lab/fleet/run";
import { withCleanup } from "./lib/cleanup";
import { round } from "./lib/stats";

/**
 * Regions and edge pairs (lab/fleet/regional.ts: two regions, two nodes and two edges each, a
 * layer-4 balancer stand-in per region), under a paced load through a region's balancer:
 * the share of requests a region's edges serve in-region while both regions are healthy, the
 * failover after one edge of a pair is killed, and the handover to the other region when all of a
 * region's nodes stop.
 */
export interface RegionsSettings {
  workers: number;
  rate: number;
  /** Load while both regions are healthy, for the in-region share. */
  healthySeconds: number;
}

export const regionsSettings = (quick: boolean): RegionsSettings => ({ workers: 8, rate: 400, healthySeconds: quick ? 5 : 10 });

export interface RegionsResults {
  settings: RegionsSettings & { regions: string; balancerCheck: typeof balancerCheck };
  /** Per region: requests its edges sent to its own nodes over all they sent. */
  inRegionShare: Record<string, number>;
  edgeFailover: {
    /** From the kill until the balancer marked the edge down. */
    detectedSeconds: number;
    /** From the kill until the last failed request; 0 without failures. */
    lastFailureSeconds: number;
    sent: number;
    failed: number;
    failedPosts: number;
    /** New connections the dead edge refused and the stand-in sent on (a cloud balancer would fail them). */
    redispatched: number;
  };
  regionFailover: {
    /** From the stop until the region's edges had every local server down. */
    handoverSeconds: number;
    sent: number;
    failed: number;
    /** Share of the requests after the stop that the other region served. */
    servedElsewhere: number;
  };
}

const network = { prefix: "pfbreg", subnet: "10.80.0" };

export async function regionsBenchmark(settings: RegionsSettings, log: (line: string) => void): Promise<RegionsResults> {
  const v1 = await buildRelease({ version: "1.0.0" });
  let fleet: RegionalFleet | undefined;
  const cleanup = () => (fleet ? fleet.destroy() : removeNetwork(network));
  return withCleanup(cleanup, async () => {
    log("regions: starting two regions (2 nodes, 2 edges and a balancer each)");
    fleet = await RegionalFleet.create({
      ...network,
      regions: [
        { name: "virginia", nodes: 2, edges: 2 },
        { name: "london", nodes: 2, edges: 2 },
      ],
      initialRelease: v1,
      healthTimeoutSeconds: 60,
    });
    const f = fleet;
    await f.waitForEdges();
    const [virginia, london] = f.regions as [Region, Region];
    const load = (region: Region) => startLoad({ url: region.url, workers: settings.workers, rate: settings.rate });

    const byRegion = (edges: RegionalEdge[]) => f.sentByRegion(edges);
    const delta = (a: Record<string, number>, b: Record<string, number>) =>
      Object.fromEntries(Object.keys(b).map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)]));

    const inRegionShare: Record<string, number> = {};
    for (const region of [virginia, london]) {
      const before = await byRegion(region.edges);
      const run = load(region);
      await sleep(settings.healthySeconds * 1000);
      await run.stop();
      const sent = delta(before, await byRegion(region.edges));
      const total = Object.values(sent).reduce((s, v) => s + v, 0);
      inRegionShare[region.name] = round((sent[region.name] ?? 0) / total, 4);
      log(`regions: ${region.name}'s edges sent ${sent[region.name] ?? 0} of ${total} requests in-region`);
    }

    // One edge of virginia's pair dies under load.
    const [dying] = virginia.edges as [RegionalEdge];
    let run = load(virginia);
    await sleep(1000);
    const killedAt = Date.now();
    await f.killEdge(dying);
    await waitFor(
      "the balancer to mark the dead edge down",
      async () =>
        (await f.balancerServers(virginia)).find((s) => s.address.startsWith(dying.address))?.status === "DOWN" ? true : undefined,
      30_000,
      20,
    );
    const detectedSeconds = round((Date.now() - killedAt) / 1000, 2);
    await sleep(3000);
    let report: LoadReport = await run.stop();
    const killedAtMs = killedAt - report.startedAt;
    const dead = (await f.balancerServers(virginia)).find((s) => s.address.startsWith(dying.address));
    const edgeFailover = {
      detectedSeconds,
      lastFailureSeconds: report.lastFailureMs === null ? 0 : round((report.lastFailureMs - killedAtMs) / 1000, 2),
      sent: report.sent,
      failed: report.failed,
      failedPosts: report.byMethod.POST.failed,
      redispatched: dead?.redispatched ?? 0,
    };
    log(`regions: edge killed: down on the balancer after ${detectedSeconds} s, ${report.failed} of ${report.sent} failed`);

    // All of london's nodes stop under load through london.
    const ports = await Promise.all(london.nodes.map(async (n) => (await f.serving(n)).port));
    run = load(london);
    await sleep(1000);
    const before = await byRegion(london.edges);
    const stoppedAt = Date.now();
    await Promise.all(london.nodes.map((n, i) => exec(n.host, "systemctl", ["stop", `hello@${ports[i]}.service`])));
    await waitFor(
      "london's edges to have every london server down",
      async () => {
        for (const edge of london.edges) {
          const local = (await f.edgeServers(edge)).filter((s) => london.nodes.some((n) => s.address.startsWith(`${n.address}:`)));
          if (local.some((s) => s.status.startsWith("UP"))) return undefined;
        }
        return true;
      },
      30_000,
      20,
    );
    const handoverSeconds = round((Date.now() - stoppedAt) / 1000, 2);
    await sleep(3000);
    report = await run.stop();
    const sent = delta(before, await byRegion(london.edges));
    const total = Object.values(sent).reduce((s, v) => s + v, 0);
    const regionFailover = {
      handoverSeconds,
      sent: report.sent,
      failed: report.failed,
      servedElsewhere: round((sent.virginia ?? 0) / total, 3),
    };
    log(`regions: london's nodes stopped: its edges hand over in ${handoverSeconds} s, ${report.failed} of ${report.sent} failed`);
    return {
      settings: { ...settings, regions: "virginia and london: 2 nodes, 2 edges, 1 balancer stand-in each", balancerCheck },
      inRegionShare,
      edgeFailover,
      regionFailover,
    };
  });
}
