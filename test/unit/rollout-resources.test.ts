import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { AgentCommand, directoryBucket, Rollout, type AgentCommandInputs, type RolloutInputs } from "../../components/rollout";
import { runOffline } from "../../tools/offline/run";
import { agents } from "../support/agents";

/**
 * The dynamic resources `pulumi up` runs the rollout with. The engine does not run this module: it
 * runs the provider serialized into the resource's inputs, in a process of its own, loaded with
 * require-from-string. These tests load that text the same way and run it.
 */
interface EngineSide {
  check(olds: unknown, news: unknown): Promise<{ failures: { reason: string }[] }>;
  diff(id: string, olds: unknown, news: unknown): Promise<{ changes?: boolean }>;
  create(inputs: unknown): Promise<{ id: string; outs: Record<string, unknown> }>;
  update(id: string, olds: unknown, news: unknown): Promise<{ outs: Record<string, unknown> }>;
}

const requireFromString = createRequire(require.resolve("@pulumi/pulumi"))("require-from-string") as (code: string) => {
  handler(): EngineSide;
};

const dir = mkdtempSync(join(tmpdir(), "portage-rollout-resource-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inputs = (over: Partial<RolloutInputs> = {}): RolloutInputs => ({
  bucket: { kind: "directory", path: dir },
  version: "0.2.0",
  sha256: "b".repeat(64),
  settings: "rev-1",
  nodes: ["virginia-1", "virginia-2", "london-1"],
  batchSize: "50%",
  migrate: "",
  pollSeconds: 2,
  pickupTimeoutSeconds: 10,
  deployTimeoutSeconds: 10,
  migrateTimeoutSeconds: 10,
  ...over,
});

const edgeRoutes: AgentCommandInputs = {
  bucket: { kind: "directory", path: dir },
  agent: "edge",
  argv: ["portage-edge-apply"],
  user: "root",
  timeoutSeconds: 60,
  pickupTimeoutSeconds: 10,
  triggers: ["routes-sha"],
};

async function serialized(): Promise<{ rollout: string; command: string }> {
  const run = await runOffline(
    () => ({
      rollout: new Rollout("rollout", inputs()).id,
      command: new AgentCommand("edge-routes", edgeRoutes).id,
    }),
    { config: {} },
  );
  expect(run.error).toBeUndefined();
  const of = (type: string) => String(run.resources.find((r) => r.type === type)?.inputs.__provider);
  return { rollout: of("pulumi-nodejs:dynamic/rollout:Rollout"), command: of("pulumi-nodejs:dynamic/rollout:AgentCommand") };
}

describe("the rollout's dynamic resources, as the engine runs them", () => {
  it("serialize small, requiring the cloud SDKs by name where they run and holding no path of this machine", async () => {
    const { rollout, command } = await serialized();
    for (const text of [rollout, command]) {
      expect(text.length).toBeGreaterThan(1000);
      expect(text.length).toBeLessThan(80_000);
      expect(text).toContain('require("@aws-sdk/client-s3")');
      expect(text).toContain('require("@google-cloud/storage")');
      expect(text).not.toContain(process.cwd());
      expect(text).not.toContain("S3Client.prototype");
    }
  });

  it("roll the fleet from the serialized provider: migration first, then the batches", async () => {
    const { rollout } = await serialized();
    const engineSide = requireFromString(rollout).handler();
    const sim = agents(directoryBucket(dir), inputs().nodes);
    const printed = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const { id, outs } = await engineSide.create(inputs());
      expect(id).toBe("rollout");
      expect(outs).toMatchObject({ version: "0.2.0", migratedOn: "virginia-1" });
      const order = sim.seen.map((s) => `${s.agent} ${s.kind}`);
      expect(order[0]).toBe("virginia-1 migrate");
      expect(order.slice(1, 3).sort()).toEqual(["virginia-1 deploy", "virginia-2 deploy"]);
      expect(order.slice(3)).toEqual(["london-1 deploy"]);
      const lines = printed.mock.calls.map((c) => String(c[0]));
      expect(lines).toContain("rollout: batch 1/2: virginia-1, virginia-2");
      expect(lines.some((l) => /^rollout: rollout done: 3 nodes serve 0\.2\.0/.test(l))).toBe(true);

      // A settings change alone restarts the fleet on the release it runs: no migration.
      sim.seen.length = 0;
      await engineSide.update("rollout", outs, inputs({ settings: "rev-2" }));
      expect(sim.seen.map((s) => s.kind)).toEqual(["deploy", "deploy", "deploy"]);
    } finally {
      sim.stop();
      printed.mockRestore();
    }
  });

  it("change the fleet only when the version, the tarball or the settings change, and say so in the preview", async () => {
    const engineSide = requireFromString((await serialized()).rollout).handler();
    const printed = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const olds = { ...inputs(), finishedAt: "", seconds: 1, migratedOn: null };
      expect((await engineSide.diff("rollout", olds, inputs())).changes).toBe(false);
      // More nodes, another batch size: the next rollout uses them; a new node boots the current release by itself.
      expect((await engineSide.diff("rollout", olds, inputs({ nodes: ["virginia-1"], batchSize: 1 }))).changes).toBe(false);
      expect(printed).not.toHaveBeenCalled();
      for (const change of [{ version: "0.3.0" }, { sha256: "c".repeat(64) }, { settings: "rev-9" }])
        expect((await engineSide.diff("rollout", olds, inputs(change))).changes).toBe(true);
      expect(String(printed.mock.calls[0]?.[0])).toBe(
        "rollout: pulumi up rolls 0.3.0 out to 3 nodes in 2 batches (version changed), migrating first; a preview runs nothing on the servers",
      );
    } finally {
      printed.mockRestore();
    }
  });

  it("refuse inputs the agents would refuse, before anything runs", async () => {
    const engineSide = requireFromString((await serialized()).rollout).handler();
    const { failures } = await engineSide.check(
      {},
      inputs({ version: "0.2.0; rm -rf /", sha256: "nope", nodes: ["Virginia_1"], batchSize: "150%" }),
    );
    expect(failures.map((f) => f.reason)).toEqual([
      'version "0.2.0; rm -rf /" is not a release version',
      "sha256 is not 64 hex digits",
      "node names Virginia_1 are not DNS labels",
      'batchSize "150%" is not a count or a share',
    ]);
  });

  it("run a one-off command through its agent and fail the update with its output when it fails", async () => {
    const engineSide = requireFromString((await serialized()).command).handler();
    const sim = agents(directoryBucket(dir), ["edge"], () => ({
      fail: "portage-agent: portage-edge-apply exited 1",
      log: "[ALERT] config invalid",
    }));
    const printed = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      await expect(engineSide.create(edgeRoutes)).rejects.toThrow(
        /portage-edge-apply failed on edge: portage-agent: portage-edge-apply exited 1\n    \| \[ALERT\] config invalid/,
      );
    } finally {
      sim.stop();
      printed.mockRestore();
    }
  });
});
