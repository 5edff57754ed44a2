/**
 * The node's real scripts (portage-boot, portage-deploy) run in a scratch directory against a
 * stand-in release, a systemctl shim and a real HAProxy with portage's config, under load through
 * the edge: blue/green on the free port, health wait, drain, stop, idempotence, and a failing
 * release stopped with its reason while the old one keeps serving.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootEnvFiles } from "../../components/node/env";
import { startLoad, versions } from "./support/load";
import {
  freePorts,
  password,
  removeScratchDirs,
  scratchSecrets,
  publishRelease,
  runScript,
  scratchEdge,
  scratchNode,
  setPointer,
  shim,
  type ScratchEdge,
  type ScratchNode,
} from "../../lab/scratch/scratch";

const secrets = scratchSecrets;

const read = (node: ScratchNode, path: string) => readFileSync(join(node.root, path), "utf8");
const calls = (node: ScratchNode) => read(node, "run/shim/calls").trim().split("\n");
const edgeStatus = async (edge: ScratchEdge) => (await runScript(edge.root, "portage-edge-status", [], edge.env)).stdout.trim().split("\n");

describe("portage-boot and portage-deploy on a scratch node behind a real HAProxy", () => {
  let edge: ScratchEdge;
  let node: ScratchNode;
  let ports: [number, number];
  const sha: Record<string, string> = {};

  beforeAll(async () => {
    const [a = 0, b = 0] = await freePorts(2);
    ports = [a, b];
    edge = await scratchEdge([{ name: "local-1", address: "127.0.0.1" }], ports);
    node = scratchNode(ports, `http://127.0.0.1:${edge.adminPort}`, secrets);
    sha["1.0.0"] = publishRelease(node.store, "1.0.0", { healthy: true });
    sha["2.0.0"] = publishRelease(node.store, "2.0.0", { healthy: true });
    sha["3.0.0"] = publishRelease(node.store, "3.0.0", { healthy: false });
    setPointer(node.store, "1.0.0", sha["1.0.0"]);
  });

  afterAll(() => {
    for (const p of ports ?? []) shim(node.root, "stop", `hello@${p}.service`);
    edge?.stop();
    removeScratchDirs();
  });

  it("boot writes the env files the release reads (0600), then serves the pointer's version", async () => {
    const boot = await runScript(node.root, "portage-boot", []);
    expect(boot.stderr).toBe("");
    expect(boot.code).toBe(0);
    for (const f of bootEnvFiles(node.rt, "127.0.0.1", secrets)) {
      expect(read(node, f.path), f.path).toBe(f.content);
      expect((statSync(join(node.root, f.path)).mode & 0o777).toString(8), f.path).toBe("600");
    }
    expect(read(node, "var/lib/portage/current")).toBe(`1.0.0 ${sha["1.0.0"]} ${ports[0]}\n`);

    // What the running release was started with: both env files, and never the edge's password.
    const env = (await (await fetch(`http://127.0.0.1:${ports[0]}/env`)).json()) as Record<string, string>;
    expect(env).toMatchObject({
      PORT: String(ports[0]),
      RELEASE_NODE: `hello-${ports[0]}@127.0.0.1`,
      DATABASE_URL: secrets.DATABASE_URL,
      PHX_SERVER: "true",
    });
    expect(Object.values(env)).not.toContain(password);
    expect(calls(node)).toContain("start hello-epmd");
  });

  it("a node's first deploy needs no edge: nothing to drain", async () => {
    const [dead = 0] = await freePorts(1);
    const [c = 0, d = 0] = await freePorts(2);
    const lone = scratchNode([c, d], `http://127.0.0.1:${dead}`, secrets);
    setPointer(lone.store, "1.0.0", publishRelease(lone.store, "1.0.0", { healthy: true }));
    try {
      const boot = await runScript(lone.root, "portage-boot", []);
      expect(boot.stderr).toBe("");
      expect(boot.code).toBe(0);
      expect(await (await fetch(`http://127.0.0.1:${c}/`)).text()).toBe(`1.0.0 hello-${c}@127.0.0.1`);
    } finally {
      shim(lone.root, "stop", `hello@${c}.service`);
    }
  });

  it("rolls 1.0.0 to 2.0.0 on the free port under load: no failed request, then only 2.0.0 answers", async () => {
    await waitForEdge(edge, `127.0.0.1:${ports[0]}`, "UP");
    const load = startLoad(edge.httpPort);
    const deploy = await runScript(node.root, "portage-deploy", ["2.0.0", sha["2.0.0"]!]);
    const during = await load.stop();
    expect(deploy.stderr).toBe("");
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toContain(`draining port ${ports[0]}`);
    expect(during.failed, during.failures.join("; ")).toBe(0);
    expect(during.sent).toBeGreaterThan(50);
    expect(during.posts).toBeGreaterThan(10);
    expect(versions(during)).toEqual(["1.0.0", "2.0.0"]);

    const after = startLoad(edge.httpPort);
    await new Promise((r) => setTimeout(r, 500));
    const result = await after.stop();
    expect(result.failed, result.failures.join("; ")).toBe(0);
    expect(result.sent).toBeGreaterThan(20);
    expect(result.posts).toBeGreaterThan(4);
    expect(versions(result)).toEqual(["2.0.0"]);

    expect(read(node, "var/lib/portage/current")).toBe(`2.0.0 ${sha["2.0.0"]} ${ports[1]}\n`);
    expect(
      read(node, "var/lib/portage/history")
        .trim()
        .split("\n")
        .map((l) => l.split(" ").slice(1).join(" ")),
    ).toEqual([`1.0.0 ${sha["1.0.0"]}`, `2.0.0 ${sha["2.0.0"]}`]);
    expect(shim(node.root, "is-active", `hello@${ports[0]}`).trim()).toBe("inactive");
    // The stopped color is back to READY on the edge: down by its health check, not held in drain.
    expect(await edgeStatus(edge)).toEqual([
      `local-1-${ports[0]} 127.0.0.1:${ports[0]} DOWN`,
      `local-1-${ports[1]} 127.0.0.1:${ports[1]} UP`,
    ]);
  });

  it("deploying the version that serves again changes nothing", async () => {
    const before = calls(node).length;
    const again = await runScript(node.root, "portage-deploy", ["2.0.0", sha["2.0.0"]!]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("2.0.0 already serves");
    expect(
      calls(node)
        .slice(before)
        .every((c) => c.startsWith("is-active")),
    ).toBe(true);
  });

  it("a release that never gets healthy is stopped with the reason, and the old one keeps serving", async () => {
    const load = startLoad(edge.httpPort);
    const deploy = await runScript(node.root, "portage-deploy", ["3.0.0", sha["3.0.0"]!]);
    const during = await load.stop();
    expect(deploy.code).not.toBe(0);
    expect(deploy.stderr).toContain(`3.0.0 on port ${ports[0]} did not answer /ping with 2xx within 15 s (last answer: HTTP 503)`);
    expect(deploy.stderr).toContain(`the old color on port ${ports[1]} keeps serving`);
    expect(during.failed, during.failures.join("; ")).toBe(0);
    expect(during.sent).toBeGreaterThan(50);
    expect(during.posts).toBeGreaterThan(10);
    expect(versions(during)).toEqual(["2.0.0"]);
    expect(shim(node.root, "is-active", `hello@${ports[0]}`).trim()).toBe("inactive");
    expect(read(node, "var/lib/portage/current")).toBe(`2.0.0 ${sha["2.0.0"]} ${ports[1]}\n`);
  });

  it("refuses a tarball whose checksum is not the one shipped, before touching anything", async () => {
    const before = calls(node).length;
    const deploy = await runScript(node.root, "portage-deploy", ["1.0.0", "0".repeat(64)]);
    expect(deploy.code).not.toBe(0);
    expect(deploy.stderr).toContain(`has sha256 ${sha["1.0.0"]}, not ${"0".repeat(64)}`);
    expect(
      calls(node)
        .slice(before)
        .filter((c) => /^(start|stop) hello@/.test(c)),
    ).toEqual([]);
  });

  it("two deploys at once take turns: the second finds the version serving", async () => {
    const [first, second] = await Promise.all([
      runScript(node.root, "portage-deploy", ["1.0.0", sha["1.0.0"]!]),
      runScript(node.root, "portage-deploy", ["1.0.0", sha["1.0.0"]!]),
    ]);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect([first.stdout, second.stdout].filter((o) => o.includes("1.0.0 already serves"))).toHaveLength(1);
    expect(read(node, "var/lib/portage/current")).toBe(`1.0.0 ${sha["1.0.0"]} ${ports[0]}\n`);
  });

  it("boot after a rollout leaves the serving release alone, even if the pointer names another", async () => {
    setPointer(node.store, "2.0.0", sha["2.0.0"]!);
    const boot = await runScript(node.root, "portage-boot", []);
    expect(boot.code).toBe(0);
    expect(boot.stdout).toContain("1.0.0 serves");
    expect(read(node, "var/lib/portage/current")).toBe(`1.0.0 ${sha["1.0.0"]} ${ports[0]}\n`);
  });
});

async function waitForEdge(edge: ScratchEdge, server: string, state: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await edgeStatus(edge)).some((l) => l.endsWith(`${server} ${state}`))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the edge never reported ${server} ${state}: ${(await edgeStatus(edge)).join(", ")}`);
}
