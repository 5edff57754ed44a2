import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  batchesOf,
  cleanUp,
  directoryBucket,
  inboxKey,
  nodesPerBatch,
  parseBatchSize,
  parseInbox,
  resultKey,
  runCommand,
  runRollout,
  type RolloutBucket,
  type RolloutPlan,
} from "../../components/rollout";
import { agents } from "../support/agents";

/**
 * The stack's side of a rollout against agents simulated in-process (what they write is what
 * portage-agent writes: components/rollout/protocol.ts): batches, the stop at the first failure,
 * the migration before any switch, time-outs, resumed work, and the clean-up of old objects.
 * The real agent runs in test/artifacts/node-agent.test.ts and the local fleet in test/e2e.
 */

const sha = "a".repeat(64);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function bucket(): RolloutBucket {
  const dir = mkdtempSync(join(tmpdir(), "portage-orchestrator-"));
  dirs.push(dir);
  return directoryBucket(dir);
}

const plan = (nodes: string[], extra: Partial<RolloutPlan> = {}): RolloutPlan => ({
  version: "0.2.0",
  sha256: sha,
  nodes,
  batchSize: 1,
  timeouts: { pickupSeconds: 5, deploySeconds: 5, migrateSeconds: 5 },
  ...extra,
});
const io = () => {
  const lines: string[] = [];
  return { lines, log: (l: string) => void lines.push(l), checkEveryMs: 20 };
};
const fleet = (n: number) => Array.from({ length: n }, (_, i) => `virginia-${i + 1}`);

describe("batch sizes", () => {
  it.each([
    [1, 8, 1],
    [3, 8, 3],
    [20, 8, 8],
    ["25%", 8, 2],
    ["25%", 30, 8],
    ["25%", 3, 1],
    ["100%", 30, 30],
    ["1%", 2, 1],
  ] as const)("%s of a fleet of %i is %i nodes at once", (size, fleetSize, per) => {
    expect(nodesPerBatch(size, fleetSize)).toBe(per);
  });

  it("cuts 30 nodes at 25% into 8, 8, 8 and 6", () => {
    expect(batchesOf(fleet(30), "25%").map((b) => b.length)).toEqual([8, 8, 8, 6]);
  });

  it("accepts a count or a share, and says what is allowed otherwise", () => {
    expect(parseBatchSize(4)).toEqual({ size: 4 });
    expect(parseBatchSize("25%")).toEqual({ size: "25%" });
    expect(parseBatchSize("3")).toEqual({ size: 3 });
    for (const bad of [0, 2.5, "0%", "101%", "quarter", -1, null])
      expect(parseBatchSize(bad)).toMatchObject({ problem: expect.stringContaining("portage:rollout.batchSize is") });
  });
});

describe("a rollout through the bucket", () => {
  it("asks each batch only once every node of the one before succeeded, one deploy id per batch", async () => {
    const b = bucket();
    const nodes = fleet(8);
    const sim = agents(b, nodes);
    const log = io();
    try {
      const outcome = await runRollout(b, plan(nodes, { batchSize: "25%" }), log);
      expect(outcome.batches).toEqual([nodes.slice(0, 2), nodes.slice(2, 4), nodes.slice(4, 6), nodes.slice(6, 8)]);
      expect(outcome.deploys.every((d) => d.ok)).toBe(true);
      // Batch n+1 was picked up after every deploy of batch n had finished.
      for (let i = 1; i < 4; i++) {
        const earliest = Math.min(...sim.seen.filter((s) => outcome.batches[i]!.includes(s.agent)).map((s) => s.at));
        const lastDone = Math.max(
          ...outcome.deploys.filter((d) => outcome.batches[i - 1]!.includes(d.agent)).map((d) => Date.parse(d.result!.finishedAt!)),
        );
        expect(earliest).toBeGreaterThanOrEqual(lastDone);
      }
      expect(new Set(outcome.deploys.filter((d) => outcome.batches[0]!.includes(d.agent)).map((d) => d.id)).size).toBe(1);
      expect(log.lines.join("\n")).toMatch(/rollout of 0\.2\.0 \(sha256 aaaaaaaaaaaa\) to 8 nodes in 4 batches of up to 2/);
      expect(log.lines.at(-1)).toMatch(/^rollout done: 8 nodes serve 0\.2\.0/);
      const inbox = parseInbox((await b.read(inboxKey("virginia-5")))!.body, "virginia-5");
      expect(inbox.deploy).toMatchObject({ kind: "deploy", version: "0.2.0", sha256: sha });
    } finally {
      sim.stop();
    }
  });

  it("stops at the first failure with the node's reason and output; later batches are never asked", async () => {
    const b = bucket();
    const nodes = fleet(6);
    const sim = agents(b, nodes, (agent) =>
      agent === "virginia-3"
        ? {
            fail: "portage-deploy: 0.2.0 on port 4001 did not answer /ping with 2xx within 120 s (last answer: HTTP 503)",
            log: "starting\nhealth 503",
          }
        : {},
    );
    try {
      const error = await runRollout(b, plan(nodes, { batchSize: 2 }), io()).then(
        () => undefined,
        (e: unknown) => e as Error & { outcome: { deploys: { agent: string; ok: boolean }[] } },
      );
      expect(error?.message).toContain(
        "the rollout of 0.2.0 stopped at batch 2 of 3: virginia-3 failed: portage-deploy: 0.2.0 on port 4001 did not answer",
      );
      expect(error?.message).toContain("virginia-1, virginia-2, virginia-4 serve 0.2.0");
      expect(error?.message).toContain("virginia-5, virginia-6 were not touched; releases/current is unchanged");
      expect(error?.message).toContain("    | health 503");
      expect(error?.outcome.deploys.map((d) => [d.agent, d.ok])).toEqual([
        ["virginia-1", true],
        ["virginia-2", true],
        ["virginia-3", false],
        ["virginia-4", true],
      ]);
      for (const untouched of ["virginia-5", "virginia-6"]) {
        const inbox = parseInbox((await b.read(inboxKey(untouched)))!.body, untouched);
        // Never asked to deploy; told the rollout is over (no fast polling left on).
        expect(inbox.deploy).toBeUndefined();
        expect(inbox.fastPollUntil).toBeUndefined();
      }
    } finally {
      sim.stop();
    }
  });

  it("runs the migration once, on the first node, before any node is asked to switch", async () => {
    const b = bucket();
    const nodes = fleet(4);
    const sim = agents(b, nodes, (_agent, kind) =>
      kind === "migrate" ? { ms: 100, log: "== Running 20250101 CreateUsers\nmigrated" } : {},
    );
    const log = io();
    try {
      const outcome = await runRollout(b, plan(nodes, { batchSize: 2, migrate: { command: "" } }), log);
      const migrations = sim.seen.filter((s) => s.kind === "migrate");
      expect(migrations.map((m) => m.agent)).toEqual(["virginia-1"]);
      const firstDeploy = Math.min(...sim.seen.filter((s) => s.kind === "deploy").map((s) => s.at));
      expect(firstDeploy).toBeGreaterThan(migrations[0]!.at + 90);
      expect(outcome.migration).toMatchObject({ agent: "virginia-1", ok: true });
      expect(log.lines.join("\n")).toContain("migration (bin/migrate) on virginia-1, before any node switches");
      expect(log.lines.join("\n")).toContain("    | == Running 20250101 CreateUsers");
      // Its result read, the job leaves the inbox: a VM replacing the node later does not run it again.
      expect(parseInbox((await b.read(inboxKey("virginia-1")))!.body, "virginia-1").jobs).toEqual([]);
    } finally {
      sim.stop();
    }
  });

  it("stops before any switch when the migration fails, with its output", async () => {
    const b = bucket();
    const nodes = fleet(3);
    const sim = agents(b, nodes, (_a, kind) =>
      kind === "migrate" ? { fail: "portage-agent: bin/migrate exited 1", log: "** (Postgrex.Error) ERROR 42P07 (duplicate_table)" } : {},
    );
    try {
      await expect(runRollout(b, plan(nodes, { migrate: { command: "" } }), io())).rejects.toThrow(
        /the migration \(bin\/migrate\) failed on virginia-1: portage-agent: bin\/migrate exited 1\. No node switched to 0\.2\.0; releases\/current is unchanged\.\n.*\n    \| \*\* \(Postgrex\.Error\) ERROR 42P07/,
      );
      expect(sim.seen.filter((s) => s.kind === "deploy")).toEqual([]);
      for (const n of nodes) {
        const stored = await b.read(inboxKey(n));
        expect(stored ? parseInbox(stored.body, n).deploy : undefined).toBeUndefined();
      }
    } finally {
      sim.stop();
    }
  });

  it("fails with the node named when its agent never picks the deploy up", async () => {
    const b = bucket();
    const sim = agents(b, ["virginia-1"]);
    const started = Date.now();
    try {
      await expect(
        runRollout(b, plan(["virginia-1", "virginia-2"], { timeouts: { pickupSeconds: 1, deploySeconds: 5, migrateSeconds: 5 } }), io()),
      ).rejects.toThrow(/virginia-2 failed: its agent did not pick the work up within 1 s: is the VM up and portage-agent running\?/);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      sim.stop();
    }
  });

  it("tells every node to poll fast while the rollout runs, and stops telling them when it ends", async () => {
    const b = bucket();
    const nodes = fleet(4);
    const during: (string | undefined)[] = [];
    const sim = agents(b, nodes, (agent) => {
      if (agent === "virginia-1")
        void b.read(inboxKey("virginia-4")).then((s) => during.push(s && parseInbox(s.body, "virginia-4").fastPollUntil));
      return {};
    });
    try {
      await runRollout(b, plan(nodes, { batchSize: 2 }), io());
      expect(during).toHaveLength(1);
      expect(Date.parse(during[0]!)).toBeGreaterThan(Date.now());
      for (const n of nodes) expect(parseInbox((await b.read(inboxKey(n)))!.body, n).fastPollUntil).toBeUndefined();
    } finally {
      sim.stop();
    }
  });

  it("follows work that an agent resumed after a restart, and says so", async () => {
    const b = bucket();
    const sim = agents(b, ["virginia-1"], () => ({ attempts: 2 }));
    const log = io();
    try {
      await runRollout(b, plan(["virginia-1"]), log);
      expect(log.lines.join("\n")).toContain("virginia-1: resumed (attempt 2)");
    } finally {
      sim.stop();
    }
  });

  it("runs a one-off command on one agent and returns its output; a job and a deploy written at once both land", async () => {
    const b = bucket();
    const sim = agents(b, ["edge", "virginia-1"], (agent) => (agent === "edge" ? { log: "routes applied" } : {}));
    try {
      const [step] = await Promise.all([
        runCommand(b, "edge", { argv: ["portage-edge-apply"], user: "root", timeoutSeconds: 60 }, 5, io()),
        runRollout(b, plan(["virginia-1"]), io()),
      ]);
      expect(step).toMatchObject({ agent: "edge", ok: true });
      expect(step.result?.log).toBe("routes applied");
    } finally {
      sim.stop();
    }
  });
});

describe("the clean-up after a rollout", () => {
  it("keeps the newest results of each node, and drops the inbox and results of a node no longer in the fleet, not the edge's", async () => {
    const b = bucket();
    for (let i = 0; i < 13; i++)
      await b.write(resultKey("virginia-1", `2025010${Math.floor(i / 10)}T00000${i % 10}Z-0000000${i % 10}`), "{}");
    const withDeploy = (agent: string) =>
      JSON.stringify({ format: 1, agent, updatedAt: "", jobs: [], deploy: { kind: "deploy", id: "x", version: "1", sha256: sha } });
    await b.write(inboxKey("virginia-1"), withDeploy("virginia-1"));
    await b.write(inboxKey("virginia-9"), withDeploy("virginia-9"));
    await b.write(resultKey("virginia-9", "20250101T000000Z-00000000"), "{}");
    await b.write(inboxKey("edge"), JSON.stringify({ format: 1, agent: "edge", updatedAt: "", jobs: [] }));
    await cleanUp(b, ["virginia-1"], io());
    const kept = await b.list("agents/results/virginia-1/");
    expect(kept).toHaveLength(10);
    expect(kept[0]).toContain("20250100T000003Z");
    expect(await b.list("agents/results/virginia-9/")).toEqual([]);
    expect(await b.read(inboxKey("virginia-9"))).toBeUndefined();
    expect(await b.read(inboxKey("edge"))).toBeDefined();
    expect(await b.read(inboxKey("virginia-1"))).toBeDefined();
  });
});
