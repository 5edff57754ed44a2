import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RolloutOutcome } from "../../components/rollout";
import { Fleet, type FleetNode } from "../../lab/fleet/fleet";
import { exec, execOk, pathOnMachine } from "../../lab/fleet/host";
import type { LoadRun } from "../../lab/fleet/loadgen";
import { buildRelease, type BuiltRelease } from "../../lab/fleet/release";
import { sleep, waitFor } from "../../lab/fleet/run";
import { loadRunner } from "./support/load";

/**
 * Rollouts through the bucket, for real: three nodes running portage-agent and an edge in network
 * namespaces, the bucket a stand-in of S3 on the bridge (the nodes reach it by curl, SigV4-signed
 * with IMDSv2 credentials from the stand-in; the stack's side by the AWS SDK), the real release
 * (examples/hello, with its bin/migrate), and the orchestrator `pulumi up` runs
 * (components/rollout). No SSH and no command sent to a host: the test only writes to the bucket,
 * as the stack does. Every test runs under a paced load through the edge and counts every failure.
 */

const load = { workers: 8, rate: 200 };
const figures: string[] = [];
const settings = { env: { GREETING: "hello" }, secrets: { STRIPE_KEY: "sk_live_first" } };

describe("rollouts through the bucket, on the local fleet", () => {
  let fleet: Fleet;
  let v1: BuiltRelease;
  let v2: BuiltRelease;
  let v3: BuiltRelease;
  let v4: BuiltRelease;
  const log: string[] = [];

  beforeAll(async () => {
    [v1, v2, v3, v4] = await Promise.all([
      buildRelease({ version: "1.0.0" }),
      buildRelease({ version: "2.0.0" }),
      buildRelease({ version: "3.0.0", health: "fail" }),
      buildRelease({ version: "4.0.0", migrate: "fail" }),
    ]);
    // Its own prefix and subnet: it may run beside the other local-fleet tests.
    fleet = await Fleet.create({
      prefix: "pfagent",
      subnet: "10.77.2",
      initialRelease: v1,
      healthTimeoutSeconds: 15,
      agent: { pollSeconds: 2 },
      appSettings: settings,
    });
    await fleet.waitForEdge();
  }, 600_000);

  afterAll(async () => {
    await fleet?.destroy();
    if (figures.length > 0) console.log(`agent figures:\n  ${figures.join("\n  ")}`);
  }, 120_000);

  const loaded = loadRunner(load, figures);
  /** Runs `during` under load through the edge. */
  const under = <T>(name: string, during: (run: LoadRun) => Promise<T>) => loaded(name, fleet.edgeUrl, during);

  const pointer = () => readFileSync(`${fleet.storeDir}/releases/hello-e2e-bucket/releases/current`, "utf8").trim();
  const versions = async () => Promise.all(fleet.nodes.map(async (n) => (await fleet.serving(n)).version));
  const summary = (o: RolloutOutcome) =>
    o.deploys.map((d) => `${d.agent} picked up in ${d.pickupSeconds} s, done in ${d.seconds} s`).join("; ");

  it("rolls v1 to v2 through the bucket under load with no failed request, the migration first, the pointer last", async () => {
    let rolloutAt = 0;
    const { report, result } = await under("agent 1 rolling deploy v1 -> v2 through the bucket", async (run) => {
      rolloutAt = Date.now() - run.snapshot().startedAt;
      return fleet.roll(v2, { batchSize: 1, log: (l) => log.push(l) });
    });
    expect(result.error?.message, log.join("\n")).toBeUndefined();
    const { outcome } = result;
    expect(outcome.deploys.map((d) => [d.agent, d.ok])).toEqual(fleet.nodes.map((n) => [n.name, true]));
    expect(await versions()).toEqual(["2.0.0", "2.0.0", "2.0.0"]);
    expect(pointer()).toBe(`2.0.0 ${v2.sha256}`);

    // bin/migrate ran once, on the first node, as the app's user with the release's environment
    // (DATABASE_URL from the secret store), before v2 answered a single request.
    const migration = outcome.migration!;
    expect(migration).toMatchObject({ agent: "local-1", ok: true });
    expect(migration.result?.log).toMatch(/^hello 2\.0\.0: migrating the database on 127\.0\.0\.1 as hello$/m);
    expect(migration.result?.log).toContain("hello 2.0.0: migrations up");
    const migratedAt = Date.parse(migration.result!.finishedAt!) - report.startedAt;
    expect(report.byVersion["2.0.0"]?.firstMs).toBeGreaterThan(migratedAt);

    // The nodes did it all through the bucket's API, signed as themselves (IMDSv2 credentials).
    const standIn = fleet.standIn!.requests;
    expect(standIn.filter((r) => r.caller === "node" && r.api === "s3").length).toBeGreaterThan(10);
    expect(standIn.filter((r) => r.status === 403)).toEqual([]);

    expect(report.failed).toBe(0);
    expect(report.sent).toBeGreaterThan(1500);
    figures.push(`agent 1 rollout started at ${(rolloutAt / 1000).toFixed(1)} s of the load: ${summary(outcome)}`);
  }, 300_000);

  it("refuses a v3 that fails its health check: the rollout stops at the first node with its reason, the rest stay on v2", async () => {
    const { report, result } = await under("agent 2 rollout of a v3 failing its health check", () =>
      fleet.roll(v3, { batchSize: 1, migrate: null }),
    );
    expect(result.error?.message).toMatch(
      /the rollout of 3\.0\.0 stopped at batch 1 of 3: local-1 failed: portage-deploy: 3\.0\.0 on port \d+ did not answer \/ping with 2xx within 15 s \(last answer: HTTP 503\)/,
    );
    expect(result.error?.message).toContain("local-2, local-3 were not touched; releases/current is unchanged");
    expect(await versions()).toEqual(["2.0.0", "2.0.0", "2.0.0"]);
    expect(pointer()).toBe(`2.0.0 ${v2.sha256}`);
    expect(report.failed).toBe(0);
    expect(report.sent).toBeGreaterThan(1500);
    expect(Object.keys(report.byVersion)).toEqual(["2.0.0"]);
  }, 300_000);

  it("stops before any node switches when the migration fails, with the migration's output", async () => {
    const { report, result } = await under("agent 3 rollout of a v4 whose migration fails", () => fleet.roll(v4, { batchSize: 3 }));
    expect(result.error?.message).toContain(
      "the migration (bin/migrate) failed on local-1: portage-agent: bin/migrate exited 1. No node switched to 4.0.0",
    );
    expect(result.error?.message).toContain('migration 20250101000000 failed: relation "users" already exists');
    expect(result.outcome.deploys).toEqual([]);
    expect(await versions()).toEqual(["2.0.0", "2.0.0", "2.0.0"]);
    expect(pointer()).toBe(`2.0.0 ${v2.sha256}`);
    expect(report.failed).toBe(0);
    expect(report.sent).toBeGreaterThan(400);
    expect(Object.keys(report.byVersion)).toEqual(["2.0.0"]);
  }, 300_000);

  it("resumes a deploy when the node's agent is killed in the middle of it, with no failed request", async () => {
    const node = fleet.nodes[1]!;
    const agentLog = () => readFileSync(pathOnMachine(node.host, "/var/log/portage-shim/portage-agent.service.log"), "utf8");
    const { report, result } = await under("agent 4 rollout v2 -> v1 with local-2's agent killed mid-deploy", async () => {
      const rolling = fleet.roll(v1, { batchSize: 1, migrate: null });
      await waitFor(
        "local-2's portage-deploy to start the new color",
        async () =>
          (await exec(node.host, "sh", ["-c", "cat /var/lib/portage/agent/work/*.log"])).stdout.includes("starting 1.0.0")
            ? true
            : undefined,
        120_000,
        100,
      );
      process.kill(await fleet.mainPid(node.host, "portage-agent.service"), "SIGKILL");
      // What systemd's Restart=always does after RestartSec (the shim does not restart units).
      await sleep(2000);
      await execOk(node.host, "systemctl", ["start", "portage-agent.service"]);
      return rolling;
    });
    expect(result.error?.message, agentLog()).toBeUndefined();
    const resumed = result.outcome.deploys.find((d) => d.agent === node.name)!;
    expect(resumed.result?.attempt).toBe(2);
    expect(resumed.result?.log).toContain("1.0.0 already serves");
    expect(await versions()).toEqual(["1.0.0", "1.0.0", "1.0.0"]);
    expect(report.failed).toBe(0);
    expect(report.sent).toBeGreaterThan(1500);
  }, 300_000);

  it("rolls a changed secret out to every node by a blue/green restart, with no failed request and nothing from user-data changed", async () => {
    const before = await Promise.all(fleet.nodes.map((n) => fleet.serving(n)));
    // What cloud-init wrote from the user-data: it names the store entries, never the settings.
    const userDataFiles = () =>
      Promise.all(fleet.nodes.map((n) => execOk(n.host, "cat", ["/etc/portage/node.env", "/etc/portage/app.env"])));
    const written = await userDataFiles();
    fleet.setAppSettings({ env: { GREETING: "hello again" }, secrets: { STRIPE_KEY: "sk_live_rotated", NEW_SECRET: "n-1" } });
    const { report, result } = await under("agent 5 a secret changed, rolled out by restarts", () =>
      fleet.roll(v1, { batchSize: 1, migrate: null }),
    );
    expect(result.error?.message).toBeUndefined();
    for (const [i, n] of fleet.nodes.entries()) {
      const now = await fleet.serving(n);
      expect(now.version).toBe("1.0.0");
      expect(now.port, `${n.name} switched colors`).not.toBe(before[i]!.port);
      expect(await environ(n, now.port)).toMatchObject({ STRIPE_KEY: "sk_live_rotated", NEW_SECRET: "n-1", GREETING: "hello again" });
    }
    expect(await userDataFiles()).toEqual(written);
    for (const files of written) {
      expect(files).toContain('APP_SECRETS_REF="hello-e2e-app-secrets"');
      expect(files).not.toMatch(/sk_live|GREETING/);
    }
    // The secret's value is nowhere in what the agents reported.
    for (const d of result.outcome.deploys) expect(JSON.stringify(d.result)).not.toContain("sk_live_rotated");
    expect(report.failed).toBe(0);
    expect(report.sent).toBeGreaterThan(1500);
  }, 300_000);

  /** The environment the release on that port runs with (/proc of its main process). */
  async function environ(node: FleetNode, port: number): Promise<Record<string, string>> {
    const pid = await fleet.mainPid(node.host, `hello@${port}.service`);
    const raw = readFileSync(`/proc/${pid}/environ`, "utf8");
    return Object.fromEntries(
      raw
        .split("\0")
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    );
  }
});
