import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeRoutesFiles } from "../../components/node";
import { Fleet, type FleetNode } from "../../lab/fleet/fleet";
import { exec, execOk } from "../../lab/fleet/host";
import type { LoadRun } from "../../lab/fleet/loadgen";
import { buildRelease, type BuiltRelease } from "../../lab/fleet/release";
import { sleep, waitFor } from "../../lab/fleet/run";
import { loadRunner } from "./support/load";

/**
 * portage's node runtime run for real: three nodes and an edge as network namespaces, a real Elixir
 * release (examples/hello), portage's user-data, portage-boot, portage-deploy,
 * portage-edge-apply and HAProxy config. Each test runs under a paced load through the edge and
 * counts every failed request. Needs root and the Debian tools of bin/setup-test-machine.
 */

/** 8 keep-alive clients, 200 requests/s in all: enough to be in flight at every switch, light enough for 2 cores. */
const load = { workers: 8, rate: 200 };
const figures: string[] = [];

describe("the local fleet", () => {
  let fleet: Fleet;
  let v1: BuiltRelease;
  let v2: BuiltRelease;
  let v3: BuiltRelease;

  beforeAll(async () => {
    v1 = await buildRelease({ version: "1.0.0" });
    v2 = await buildRelease({ version: "2.0.0" });
    v3 = await buildRelease({ version: "3.0.0", health: "fail" });
    // The nodes boot into v1 the way a replaced node does: portage-boot deploys the bucket's pointer.
    fleet = await Fleet.create({ initialRelease: v1, healthTimeoutSeconds: 15 });
    await fleet.waitForEdge();
  }, 600_000);

  afterAll(async () => {
    await fleet?.destroy();
    if (figures.length > 0) console.log(`local fleet figures:\n  ${figures.join("\n  ")}`);
  }, 120_000);

  const loaded = loadRunner(load, figures);
  /** Runs `during` under load through the edge. */
  const underLoad = <T>(name: string, during: (run: LoadRun) => Promise<T>) => loaded(name, fleet.edgeUrl, during);

  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const nodeName = (n: FleetNode, port: number) => `hello-${port}@${n.address}`;

  async function info(n: FleetNode): Promise<{ node: string; version: string; peers: string[] }> {
    const { port } = await fleet.serving(n);
    const res = await fetch(`http://${n.address}:${port}/`);
    return (await res.json()) as { node: string; version: string; peers: string[] };
  }

  it("forms one Erlang cluster: each node reports the two others as peers", async () => {
    const { report, result } = await underLoad("1 cluster", async () => {
      const expected = await Promise.all(fleet.nodes.map(async (n) => nodeName(n, (await fleet.serving(n)).port)));
      // Nodes poll the cluster name every second: give them time to find each other, then check.
      const seen = await waitFor(
        "every node to see the two others",
        async () => {
          const all = await Promise.all(fleet.nodes.map(info));
          return all.every((i) => i.peers.length === 2) ? all : undefined;
        },
        30_000,
        500,
      );
      return { expected, seen };
    });
    for (const [i, node] of result.seen.entries()) {
      expect(node.node).toBe(result.expected[i]);
      expect([...node.peers].sort()).toEqual(result.expected.filter((_, j) => j !== i).sort());
    }
    expect(report.failed).toBe(0);
    expect(Object.keys(report.byVersion)).toEqual([v1.version]);
  }, 120_000);

  it("rolls v1 to v2 over every node under load with no failed request; afterwards every response is v2", async () => {
    let rolloutStart = 0;
    const { report, result } = await underLoad("2 rolling deploy v1 -> v2", async (run) => {
      rolloutStart = Date.now() - run.snapshot().startedAt;
      return fleet.rollout(v2, 1);
    });
    for (const r of result)
      expect(r.result.code, `${r.node}: ${r.result.stderr}\n${fleet.logs(fleet.nodes.find((n) => n.name === r.node)!.host)}`).toBe(0);
    expect(result.map((r) => r.node)).toEqual(fleet.nodes.map((n) => n.name));
    const switches = result.map((r) => `${r.node} ${r.seconds.toFixed(1)} s`).join(", ");
    const first2 = report.byVersion[v2.version]?.firstMs ?? NaN;
    const last1 = report.byVersion[v1.version]?.lastMs ?? NaN;
    const line = `2 rollout started at ${seconds(rolloutStart)} of the load; deploys took ${switches}; v2 first answered at ${seconds(first2)}, v1 last at ${seconds(last1)}`;
    figures.push(line);
    console.log(line);
    expect(report.failed).toBe(0);

    for (const n of fleet.nodes) expect((await fleet.serving(n)).version).toBe(v2.version);
    const after = await underLoad("2 after the rollout", () => sleep(2000));
    expect(after.report.failed).toBe(0);
    expect(Object.keys(after.report.byVersion)).toEqual([v2.version]);
  }, 300_000);

  it("refuses a v3 that fails its health check: the deploy stops with the reason, v2 keeps serving", async () => {
    const { report, result } = await underLoad("3 deploy of a v3 failing its health check", () => fleet.rollout(v3, 1));
    // The rollout stops at the first node, as the release component's batches do.
    expect(result).toHaveLength(1);
    const [first] = result;
    expect(first?.result.code).not.toBe(0);
    expect(first?.result.stderr).toMatch(/3\.0\.0 on port \d+ did not answer \/ping with 2xx within 15 s \(last answer: HTTP 503\)/);
    const line = `3 portage-deploy 3.0.0 on ${first?.node} exited ${first?.result.code} after ${first?.result && first.seconds.toFixed(1)} s: ${first?.result.stderr.trim().split("\n")[0]}`;
    figures.push(line);
    console.log(line);

    expect(report.failed).toBe(0);
    expect(Object.keys(report.byVersion)).toEqual([v2.version]);
    const node = fleet.nodes[0]!;
    const serving = await fleet.serving(node);
    expect(serving.version).toBe(v2.version);
    const v3Port = fleet.nodes[0]!.runtime.app.ports.find((p) => p !== serving.port);
    expect((await exec(node.host, "systemctl", ["is-active", `hello@${v3Port}.service`])).stdout.trim()).toBe("inactive");
  }, 300_000);

  it("keeps serving when a node's release is killed, and the edge marks it down within two check intervals", async () => {
    const routesConfig = edgeRoutesFiles(fleet.routes(fleet.nodes))[0]?.content ?? "";
    const interval = Number(/\binter (\d+)s\b/.exec(routesConfig)?.[1]) * 1000;
    expect(interval).toBeGreaterThan(0);
    const node = fleet.nodes[1]!;
    const { port } = await fleet.serving(node);
    const unit = `hello@${port}.service`;
    const pid = await fleet.mainPid(node.host, unit);

    let killedAtMs = 0;
    const { report, result: downAfterMs } = await underLoad("4 one node's release killed", async (run) => {
      const killedAt = performance.now();
      killedAtMs = Date.now() - run.snapshot().startedAt;
      // SIGKILL: no graceful stop, in-flight requests are cut (the shim does not emulate Restart=, so it stays down).
      process.kill(pid, "SIGKILL");
      await waitFor(
        `the edge to mark ${node.address}:${port} DOWN`,
        async () =>
          (await fleet.edgeServers()).find((s) => s.address === `${node.address}:${port}`)?.status === "DOWN" ? true : undefined,
        4 * interval,
        50,
      );
      const elapsed = performance.now() - killedAt;
      await sleep(2000); // traffic goes on to the two others
      return elapsed;
    });
    const line = `4 the edge marked ${node.name}:${port} DOWN ${seconds(downAfterMs)} after the kill (check interval ${seconds(interval)})`;
    figures.push(line);
    console.log(line);
    // GETs in flight on the dead node are sent again to another node; a POST never is (the app may
    // have acted on it), so the ones in flight on that node at the kill fail: at most one per connection.
    expect(report.byMethod.GET.failed).toBe(0);
    expect(report.byMethod.POST.failed).toBeLessThanOrEqual(load.workers);
    for (const f of report.failureSamples) expect(f.atMs, JSON.stringify(f)).toBeLessThan(killedAtMs + 1000);
    // Two check intervals, plus the 50 ms between reads of the runtime API and a little scheduling slack.
    expect(downAfterMs).toBeLessThanOrEqual(2 * interval + 250);

    // Back in service, as systemd's Restart= would have done.
    await execOk(node.host, "systemctl", ["start", unit]);
    await fleet.waitForEdge();
  }, 120_000);

  it("reloads the edge with a node removed and added back with no failed request", async () => {
    const removed = fleet.nodes[2]!;
    const address = `${removed.address}:${(await fleet.serving(removed)).port}`;
    const { report, result } = await underLoad("5 edge reloads: a node removed, then added back", async () => {
      const without = await fleet.applyRoutes(fleet.nodes.filter((n) => n !== removed));
      // portage-edge-apply returns once HAProxy's master has the reload signal; the new worker takes over just after.
      let appliedAt = performance.now();
      const listedWithout = await waitFor(
        `the edge to drop ${address}`,
        async () => {
          const listed = (await fleet.edgeServers()).map((s) => s.address);
          return listed.includes(address) ? undefined : listed;
        },
        10_000,
        20,
      );
      const removedAfterMs = performance.now() - appliedAt;
      await sleep(3000);
      const back = await fleet.applyRoutes(fleet.nodes);
      appliedAt = performance.now();
      // Served again: its server is UP and takes requests.
      await waitFor(
        `${address} to take requests again`,
        async () => {
          const s = (await fleet.edgeServers()).find((x) => x.address === address);
          return s?.status === "UP" && s.total > 0 ? true : undefined;
        },
        30_000,
        20,
      );
      return { without, listedWithout, removedAfterMs, back, servedAfterMs: performance.now() - appliedAt };
    });
    expect(result.without.code, result.without.stderr).toBe(0);
    expect(result.back.code, result.back.stderr).toBe(0);
    expect(result.listedWithout).toHaveLength(2 * (fleet.nodes.length - 1));
    const line = `5 after portage-edge-apply returned: ${removed.name} gone from the edge's server list in ${seconds(result.removedAfterMs)}; back and taking requests in ${seconds(result.servedAfterMs)}`;
    figures.push(line);
    console.log(line);
    expect(report.failed).toBe(0);

    const status = await execOk(fleet.edge, "portage-edge-status", []);
    expect(status.trim().split("\n")).toHaveLength(2 * fleet.nodes.length);
    expect(status).toMatch(new RegExp(`^${removed.name}-\\d+ ${address.replace(/\./g, "\\.")} UP$`, "m"));
  }, 120_000);
});
