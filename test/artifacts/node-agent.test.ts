/**
 * portage-agent for real on a scratch node (PORTAGE_ROOT, a `file` store, stand-in releases, the
 * scratch systemctl), driven by the stack's own orchestrator (components/rollout) through the
 * bucket: the TypeScript side writes the inbox, the bash side answers it. Deploys, the refusal of a
 * broken release, migrations with the app's environment and redacted output, settings changes
 * restarting the release, one-off commands, expired jobs, and a killed agent resuming its deploy.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settingsEntry } from "../../components/node/app-env";
import { nodeFiles } from "../../components/node/node";
import {
  directoryBucket,
  inboxKey,
  parseResult,
  resultKey,
  runCommand,
  runRollout,
  type RolloutBucket,
  type RolloutPlan,
} from "../../components/rollout";
import { waitFor } from "../../lab/fleet/run";
import {
  bucket as bucketName,
  freePorts,
  install,
  password,
  publishRelease,
  removeScratchDirs,
  runScript,
  scratchNode,
  setPointer,
  shim,
  support,
  type ScratchNode,
} from "../../lab/scratch/scratch";

const secrets = {
  DATABASE_URL: "postgres://hello:s3cr3t-pw@db.internal:5432/hello",
  SECRET_KEY_BASE: "k".repeat(64),
  RELEASE_COOKIE: "cookie-for-the-agent-test",
  PHX_HOST: "app.example.com",
  EDGE_ADMIN_PASSWORD: password,
};
const refs = { env: "hello-test-app-env", secrets: "hello-test-app-secrets" };

/** A migration that shows what it ran with: where, as whom, and the settings (a careless app prints secrets). */
const migrate = (fail: boolean) =>
  `#!/bin/sh
echo "migrating $(cat VERSION) as $(id -un) in $(basename "$PWD")"
echo "connecting to $DATABASE_URL"
echo "greeting=$GREETING stripe=$STRIPE_KEY"
${fail ? 'echo "** (Postgrex.Error) ERROR 42P07 (duplicate_table) relation \\"users\\" already exists" >&2\nexit 3' : 'echo "migrations up"'}
`;

describe("portage-agent on a scratch node, driven through the bucket", () => {
  let node: ScratchNode;
  let bucket: RolloutBucket;
  let agent: ChildProcess | undefined;
  let ports: [number, number];
  const sha: Record<string, string> = {};
  const lines: string[] = [];
  const io = { log: (l: string) => void lines.push(l), checkEveryMs: 100 };
  const plan = (version: string, extra: Partial<RolloutPlan> = {}): RolloutPlan => ({
    version,
    sha256: sha[version]!,
    nodes: ["local-1"],
    batchSize: 1,
    timeouts: { pickupSeconds: 30, deploySeconds: 120, migrateSeconds: 30 },
    ...extra,
  });

  const startAgent = () => {
    const out = openSync(join(node.root, "agent.log"), "a");
    agent = spawn(join(node.root, "usr/local/bin/portage-agent"), [], {
      env: { ...process.env, PATH: `${support}:${process.env.PATH}`, PORTAGE_ROOT: node.root, APP_USER: "root" },
      stdio: ["ignore", out, out],
      detached: true,
    });
  };
  const serving = () => readFileSync(join(node.root, "var/lib/portage/current"), "utf8").trim().split(" ");
  const running = async (port: string) => (await (await fetch(`http://127.0.0.1:${port}/env`)).json()) as Record<string, string>;

  beforeAll(async () => {
    const [a = 0, b = 0] = await freePorts(2);
    ports = [a, b];
    node = scratchNode(ports, "", secrets);
    install(node.root, nodeFiles({ ...node.rt, agent: { pollSeconds: 1 }, appSettings: refs }));
    writeFileSync(join(node.store, "secrets", refs.env), settingsEntry({ GREETING: "hello" }));
    writeFileSync(join(node.store, "secrets", refs.secrets), settingsEntry({ STRIPE_KEY: "sk_live_0123456789" }));
    sha["1.0.0"] = publishRelease(node.store, "1.0.0", { healthy: true });
    sha["2.0.0"] = publishRelease(node.store, "2.0.0", { healthy: true, files: { "bin/migrate": migrate(false) } });
    sha["3.0.0"] = publishRelease(node.store, "3.0.0", { healthy: false });
    sha["4.0.0"] = publishRelease(node.store, "4.0.0", { healthy: true, files: { "bin/migrate": migrate(true) } });
    // Slow to start: a deploy long enough to kill the agent in the middle of it.
    const slow = '#!/bin/sh\n[ "$1" = start ] || exit 2\nsleep 4\nexec python3 "$(dirname "$0")/../app.py"\n';
    sha["5.0.0"] = publishRelease(node.store, "5.0.0", { healthy: true, files: { "bin/hello": slow } });
    setPointer(node.store, "1.0.0", sha["1.0.0"]);
    const boot = await runScript(node.root, "portage-boot", []);
    expect(boot.code, boot.stderr).toBe(0);
    bucket = directoryBucket(join(node.store, bucketName));
    startAgent();
  });

  afterAll(() => {
    if (agent?.pid) process.kill(agent.pid, "SIGKILL");
    for (const p of ports ?? []) shim(node.root, "stop", `hello@${p}.service`);
    removeScratchDirs();
  });

  it("deploys the version its inbox names, and reports it started, then succeeded with what serves", async () => {
    const outcome = await runRollout(bucket, plan("2.0.0"), io);
    const [step] = outcome.deploys;
    expect(step?.ok, readFileSync(join(node.root, "agent.log"), "utf8")).toBe(true);
    expect(step?.result).toMatchObject({ agent: "local-1", kind: "deploy", state: "succeeded", exitCode: 0, attempt: 1 });
    expect(step?.result?.serving).toEqual({ version: "2.0.0", sha256: sha["2.0.0"], port: ports[1] });
    expect(step?.result?.reason).toMatch(/deployed 2\.0\.0 on port \d+/);
    expect(step?.pickupSeconds).toBeLessThan(3);
    expect(serving()).toEqual(["2.0.0", sha["2.0.0"], String(ports[1])]);
  });

  it("reports a release that never gets healthy with the deploy script's reason; the old one keeps serving", async () => {
    const failed = await runRollout(bucket, plan("3.0.0"), io).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(failed?.message).toMatch(
      /local-1 failed: portage-deploy: 3\.0\.0 on port \d+ did not answer \/ping with 2xx within 15 s \(last answer: HTTP 503\); stopped 3\.0\.0 on port \d+; the old color on port \d+ keeps serving/,
    );
    expect(serving()[0]).toBe("2.0.0");
  }, 60_000);

  it("runs the release's bin/migrate as the app's user with its environment, and returns the output with secret values redacted", async () => {
    const outcome = await runRollout(bucket, plan("2.0.0", { migrate: { command: "" } }), io);
    const log = outcome.migration?.result?.log ?? "";
    expect(outcome.migration?.ok, log).toBe(true);
    expect(log).toMatch(/^migrating 2\.0\.0 as root in 2\.0\.0-[0-9a-f]{12}$/m);
    expect(log).toContain("connecting to [redacted]");
    expect(log).toContain("greeting=hello stripe=[redacted]");
    expect(log).toContain("migrations up");
    for (const secret of [secrets.DATABASE_URL, "s3cr3t-pw", "sk_live_0123456789"]) expect(log).not.toContain(secret);
    expect(outcome.migration?.result?.reason).toBe("migrations up");
  });

  it("stops when the migration fails, with its exit code and output, before the release switches", async () => {
    const failed = await runRollout(bucket, plan("4.0.0", { migrate: { command: "" } }), io).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(failed?.message).toContain(
      "the migration (bin/migrate) failed on local-1: portage-agent: bin/migrate exited 3. No node switched to 4.0.0",
    );
    expect(failed?.message).toContain('relation "users" already exists');
    expect(serving()[0]).toBe("2.0.0");
  });

  it("restarts the release on the same version when a setting changes in the store, and the new color runs with it", async () => {
    const before = serving();
    writeFileSync(join(node.store, "secrets", refs.secrets), settingsEntry({ STRIPE_KEY: "sk_live_rotated", NEW_SECRET: "x-1" }));
    const outcome = await runRollout(bucket, plan("2.0.0"), io);
    expect(outcome.deploys[0]?.result?.log).toContain("the app's settings changed: switching colors to restart with them");
    const after = serving();
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(after[2]).not.toBe(before[2]);
    expect(await running(after[2]!)).toMatchObject({ STRIPE_KEY: "sk_live_rotated", NEW_SECRET: "x-1", GREETING: "hello" });

    // Nothing changed since: the next rollout of that version changes nothing.
    const again = await runRollout(bucket, plan("2.0.0"), io);
    expect(again.deploys[0]?.result?.log).toContain("2.0.0 already serves");
    expect(serving()).toEqual(after);
  });

  it("refuses a setting that overrides one of portage's own variables, even when the store holds it", async () => {
    writeFileSync(join(node.store, "secrets", refs.env), 'GREETING="hello"\nRELEASE_COOKIE="stolen"\n');
    const failed = await runRollout(bucket, plan("2.0.0"), io).then(
      () => undefined,
      (e: Error) => e,
    );
    writeFileSync(join(node.store, "secrets", refs.env), settingsEntry({ GREETING: "hello" }));
    expect(failed?.message).toContain("the store entry hello-test-app-env sets RELEASE_COOKIE, which portage sets itself");
    expect(readFileSync(join(node.root, "etc/hello/env"), "utf8")).not.toContain("stolen");
  });

  it("runs a one-off command with its standard input from the bucket and returns its output", async () => {
    await bucket.write("agents/stdin/routes.cfg", "backend app\n  server a 10.0.0.1:4000\n");
    const step = await runCommand(
      bucket,
      "local-1",
      { argv: ["sh", "-c", 'echo "$(wc -l) lines, as $(id -un)"'], user: "root", stdinKey: "agents/stdin/routes.cfg", timeoutSeconds: 30 },
      30,
      io,
    );
    expect(step.ok).toBe(true);
    expect(step.result?.log?.trim()).toBe("2 lines, as root");
  });

  it("skips a job that expired before the agent saw it, and says so", async () => {
    const stale = {
      kind: "exec",
      id: "20200101T000000Z-0000dead",
      argv: ["touch", "/tmp/never"],
      user: "root",
      timeoutSeconds: 5,
      expiresAt: "2020-01-01T00:00:00Z",
    };
    const current = JSON.parse((await bucket.read(inboxKey("local-1")))!.body) as { jobs: unknown[] };
    await bucket.write(inboxKey("local-1"), JSON.stringify({ ...current, jobs: [stale] }));
    const result = await waitFor(
      "the expired job's result",
      async () => {
        const stored = await bucket.read(resultKey("local-1", stale.id));
        const r = stored ? parseResult(stored.body, "result") : undefined;
        return r?.state === "failed" ? r : undefined;
      },
      15_000,
      200,
    );
    expect(result.reason).toBe("portage-agent: skipped: the exec expired before this host saw it");
  });

  it("a new VM for the node (replaced mid-rollout) boots the pointer's release, then serves what its inbox asks", async () => {
    // The inbox asks local-1 for 2.0.0 (an earlier test); the pointer still names 1.0.0.
    const [c = 0, d = 0] = await freePorts(2);
    const fresh = scratchNode([c, d], "", secrets);
    const rt = {
      ...fresh.rt,
      releases: { ...fresh.rt.releases, location: node.store },
      secrets: { ...fresh.rt.secrets, location: join(node.store, "secrets") },
    };
    install(fresh.root, nodeFiles({ ...rt, agent: { pollSeconds: 1 }, appSettings: refs }));
    try {
      await runScript(fresh.root, "portage-boot", []);
      expect(readFileSync(join(fresh.root, "var/lib/portage/current"), "utf8")).toMatch(/^1\.0\.0 /);
      const once = await runScript(fresh.root, "portage-agent", ["once"], { APP_USER: "root" });
      expect(once.code, once.stderr).toBe(0);
      expect(readFileSync(join(fresh.root, "var/lib/portage/current"), "utf8")).toMatch(/^2\.0\.0 /);
    } finally {
      for (const p of [c, d]) shim(fresh.root, "stop", `hello@${p}.service`);
    }
  }, 60_000);

  it("resumes the deploy it had started when it is killed and restarted, and the release switches once", async () => {
    const history = () => readFileSync(join(node.root, "var/lib/portage/history"), "utf8").trim().split("\n");
    const deploysBefore = history().length;
    const rollout = runRollout(bucket, plan("5.0.0"), io);
    const work = join(node.root, "var/lib/portage/agent/work");
    await waitFor(
      "portage-deploy to start 5.0.0's color",
      async () =>
        readdirSync(work).some((f) => f.endsWith(".log") && readFileSync(join(work, f), "utf8").includes("starting 5.0.0"))
          ? true
          : undefined,
      20_000,
      50,
    );
    // SIGKILL to the agent alone, in the middle of the deploy: the deploy runs on (KillMode=process).
    process.kill(agent!.pid!, "SIGKILL");
    await new Promise((r) => setTimeout(r, 1000));
    startAgent();
    const outcome = await rollout;
    const [step] = outcome.deploys;
    expect(step?.ok, step?.result?.log).toBe(true);
    expect(step?.result?.attempt, step?.result?.log).toBe(2);
    expect(step?.result?.log, `${step?.result?.log}\n---\n${readFileSync(join(node.root, "agent.log"), "utf8")}`).toContain(
      "5.0.0 already serves",
    );
    expect(serving()[0]).toBe("5.0.0");
    expect(
      history()
        .slice(deploysBefore)
        .map((l) => l.split(" ")[1]),
    ).toEqual(["5.0.0"]);
    expect(lines.join("\n")).toContain("local-1: resumed (attempt 2)");
  }, 90_000);
});

afterAll(removeScratchDirs);
