import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "../../lab/fleet/host";
import { loadRunner } from "./support/load";
import { balancerCheck, RegionalFleet, type Region, type RegionalEdge } from "../../lab/fleet/regional";
import { buildRelease, type BuiltRelease } from "../../lab/fleet/release";
import { sleep, waitFor } from "../../lab/fleet/run";

/**
 * Two regions, each with two nodes and an edge pair behind a stand-in for the cloud's layer-4
 * balancer (lab/fleet/regional.ts), running portage's real edge config with regions, the real
 * release and the real deploy script. Every test runs under a paced load (GETs and POSTs) through
 * a region's balancer and counts every failed request.
 */
const load = { workers: 8, rate: 200 };
const figures: string[] = [];

describe("regions and edge pairs in the local fleet", () => {
  let fleet: RegionalFleet;
  let v1: BuiltRelease;
  let v2: BuiltRelease;
  let virginia: Region;
  let london: Region;

  beforeAll(async () => {
    v1 = await buildRelease({ version: "1.0.0" });
    v2 = await buildRelease({ version: "2.0.0" });
    fleet = await RegionalFleet.create({
      regions: [
        { name: "virginia", nodes: 2, edges: 2 },
        { name: "london", nodes: 2, edges: 2 },
      ],
      initialRelease: v1,
      healthTimeoutSeconds: 15,
    });
    [virginia, london] = fleet.regions as [Region, Region];
    await fleet.waitForEdges();
  }, 600_000);

  afterAll(async () => {
    await fleet?.destroy();
    if (figures.length > 0) console.log(`regional fleet figures:\n  ${figures.join("\n  ")}`);
  }, 120_000);

  /** Runs `during` under load through a region's balancer. */
  const underLoad = loadRunner(load, figures);

  const sentByRegion = (edges: RegionalEdge[]) => fleet.sentByRegion(edges);

  it("a region's edges send nothing to the other region while its own nodes are healthy", async () => {
    const before = { virginia: await sentByRegion(virginia.edges), london: await sentByRegion(london.edges) };
    const [a, b] = await Promise.all([
      underLoad("1 virginia, both regions healthy", virginia.url, () => sleep(4000)),
      underLoad("1 london, both regions healthy", london.url, () => sleep(4000)),
    ]);
    const after = { virginia: await sentByRegion(virginia.edges), london: await sentByRegion(london.edges) };
    const delta = (region: "virginia" | "london", to: string) => (after[region][to] ?? 0) - (before[region][to] ?? 0);
    const line = `1 virginia's edges: ${delta("virginia", "virginia")} to virginia, ${delta("virginia", "london")} to london; london's edges: ${delta("london", "london")} to london, ${delta("london", "virginia")} to virginia`;
    figures.push(line);
    console.log(line);
    expect(a.report.failed).toBe(0);
    expect(b.report.failed).toBe(0);
    expect(delta("virginia", "london")).toBe(0);
    expect(delta("london", "virginia")).toBe(0);
    expect(delta("virginia", "virginia")).toBeGreaterThanOrEqual(a.report.sent);
    expect(delta("london", "london")).toBeGreaterThanOrEqual(b.report.sent);
  }, 120_000);

  it("kills one edge of a pair under load: only requests in flight on it fail, none after the balancer's check", async () => {
    const [dying, surviving] = virginia.edges as [RegionalEdge, RegionalEdge];
    let killedAtMs = 0;
    const { report } = await underLoad("2 virginia, one edge of the pair killed", virginia.url, async (run) => {
      killedAtMs = Date.now() - run.snapshot().startedAt;
      await fleet.killEdge(dying);
      await waitFor(
        "the balancer to mark the dead edge DOWN",
        async () =>
          (await fleet.balancerServers(virginia)).find((s) => s.address.startsWith(dying.address))?.status === "DOWN" ? true : undefined,
        10_000,
        50,
      );
      await sleep(3000);
    });
    const servers = await fleet.balancerServers(virginia);
    const dead = servers.find((s) => s.address.startsWith(dying.address));
    const checkMs = balancerCheck.intervalMs * balancerCheck.fall;
    const line =
      `2 killed ${dying.name} at ${(killedAtMs / 1000).toFixed(2)} s: ${report.failed} failed (${report.byMethod.POST.failed} POSTs), ` +
      `last failure at ${report.lastFailureMs === null ? "none" : `${(report.lastFailureMs / 1000).toFixed(2)} s`}; ` +
      `connections the stand-in sent on after ${dying.name} refused them: ${dead?.redispatched ?? 0} (a cloud balancer fails these until its check)`;
    figures.push(line);
    console.log(line);
    // Each of the 8 keep-alive connections has at most one request in flight, and only those through the dead edge can fail.
    expect(report.failed).toBeLessThanOrEqual(load.workers);
    for (const f of report.failureSamples) expect(f.atMs, JSON.stringify(f)).toBeLessThanOrEqual(killedAtMs + checkMs + 500);
    expect(servers.find((s) => s.address.startsWith(surviving.address))?.status).toBe("UP");
  }, 120_000);

  it("stops every node of a region under load: its edge serves from the other region with no failed request", async () => {
    const ports = await Promise.all(london.nodes.map(async (n) => (await fleet.serving(n)).port));
    const before = await sentByRegion(london.edges);
    const { report } = await underLoad("3 london, all its nodes stopped", london.url, async () => {
      await Promise.all(london.nodes.map((n, i) => exec(n.host, "systemctl", ["stop", `hello@${ports[i]}.service`])));
      await sleep(4000);
    });
    const after = await sentByRegion(london.edges);
    const toVirginia = (after.virginia ?? 0) - (before.virginia ?? 0);
    const line = `3 london's edges sent ${toVirginia} requests to virginia once london's nodes stopped`;
    figures.push(line);
    console.log(line);
    expect(report.failed).toBe(0);
    expect(toVirginia).toBeGreaterThan(0.5 * report.sent);
    // Back, as systemd's Restart= would do; the edges return to london's nodes.
    await Promise.all(london.nodes.map((n, i) => exec(n.host, "systemctl", ["start", `hello@${ports[i]}.service`])));
  }, 120_000);

  it("rolls v1 to v2 over both regions, node by node, under load through both regions: no failed request", async () => {
    // The surviving edge pair member of virginia is alone now; london's nodes are back.
    await waitFor(
      "london's nodes UP again on london's edges",
      async () => {
        for (const edge of london.edges) {
          const up = (await fleet.edgeServers(edge)).filter(
            (s) => s.status.startsWith("UP") && london.nodes.some((n) => s.address.startsWith(`${n.address}:`)),
          );
          if (up.length < london.nodes.length) return undefined;
        }
        return true;
      },
      30_000,
      200,
    );
    const [a, b] = await Promise.all([
      underLoad("4 virginia during the rollout", virginia.url, () => fleet.rollout(v2)),
      underLoad("4 london during the rollout", london.url, () => sleep(1000).then(() => waitForRollout())),
    ]);
    for (const r of a.result) expect(r.result.code, `${r.node}: ${r.result.stderr}`).toBe(0);
    expect(a.result.map((r) => r.node)).toEqual(fleet.nodes.map((n) => n.name));
    expect(a.report.failed).toBe(0);
    expect(b.report.failed).toBe(0);
    for (const n of fleet.nodes) expect((await fleet.serving(n)).version).toBe(v2.version);
  }, 600_000);

  /** The london load runs until every node serves v2 (the rollout runs under the virginia load). */
  async function waitForRollout(): Promise<void> {
    await waitFor(
      "every node to serve v2",
      async () => ((await Promise.all(fleet.nodes.map((n) => fleet.serving(n)))).every((s) => s.version === v2.version) ? true : undefined),
      300_000,
      500,
    );
  }
});
