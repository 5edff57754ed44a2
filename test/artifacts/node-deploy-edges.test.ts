/**
 * portage-deploy with several edges (an edge pair, an edge group per region): EDGE_ADMIN_URL lists
 * them, and a name in it stands for every address it resolves to. The old color is drained on every
 * edge before it stops, under load through each edge; an edge that does not answer is left out.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoad, versions } from "./support/load";
import {
  freePorts,
  publishRelease,
  removeScratchDirs,
  scratchSecrets,
  runScript,
  scratchEdge,
  scratchNode,
  setPointer,
  shim,
  type ScratchEdge,
  type ScratchNode,
} from "../../lab/scratch/scratch";

const secrets = scratchSecrets;

const edgeStatus = async (edge: ScratchEdge) => (await runScript(edge.root, "portage-edge-status", [], edge.env)).stdout.trim().split("\n");

async function waitForStatus(edge: ScratchEdge, expected: string[]): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (JSON.stringify(await edgeStatus(edge)) === JSON.stringify(expected)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the edge never showed ${expected.join(", ")}: ${(await edgeStatus(edge)).join(", ")}`);
}

describe("portage-deploy behind two edges", () => {
  const edges: ScratchEdge[] = [];
  let node: ScratchNode;
  let ports: [number, number];
  let dead: number;
  const sha: Record<string, string> = {};

  beforeAll(async () => {
    const [a = 0, b = 0, d = 0] = await freePorts(3);
    ports = [a, b];
    dead = d;
    for (let i = 0; i < 2; i++) edges.push(await scratchEdge([{ name: "local-1", address: "127.0.0.1" }], ports));
    // The first edge by a name (localhost resolves to 127.0.0.1), the second by address, a third that is down.
    const urls = [`http://localhost:${edges[0]!.adminPort}`, `http://127.0.0.1:${edges[1]!.adminPort}`, `http://127.0.0.1:${dead}`];
    node = scratchNode(ports, urls.join(" "), secrets);
    sha["1.0.0"] = publishRelease(node.store, "1.0.0", { healthy: true });
    sha["2.0.0"] = publishRelease(node.store, "2.0.0", { healthy: true });
    setPointer(node.store, "1.0.0", sha["1.0.0"]);
    const boot = await runScript(node.root, "portage-boot", []);
    expect(boot.code, boot.stderr).toBe(0);
    for (const edge of edges)
      await waitForStatus(edge, [`local-1-${ports[0]} 127.0.0.1:${ports[0]} UP`, `local-1-${ports[1]} 127.0.0.1:${ports[1]} DOWN`]);
  }, 60_000);

  afterAll(() => {
    for (const p of ports ?? []) shim(node.root, "stop", `hello@${p}.service`);
    for (const edge of edges) edge.stop();
    removeScratchDirs();
  });

  it("drains the old color on both edges before it stops: no failed request through either, the dead edge left out", async () => {
    const loads = edges.map((e) => startLoad(e.httpPort, 4));
    const deploy = await runScript(node.root, "portage-deploy", ["2.0.0", sha["2.0.0"]!]);
    const results = await Promise.all(loads.map((l) => l.stop()));
    expect(deploy.stderr).toBe("");
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toContain(
      `left out (a dead edge serves nothing): the edge admin API at http://127.0.0.1:${dead} does not answer`,
    );
    expect(deploy.stdout).toContain(`2 edge(s) see port ${ports[1]} UP; draining port ${ports[0]}`);
    for (const r of results) {
      expect(r.failed, r.failures.join("; ")).toBe(0);
      expect(r.sent).toBeGreaterThan(30);
      expect(r.posts).toBeGreaterThan(5);
      expect(versions(r)).toEqual(["1.0.0", "2.0.0"]);
    }
    // Both edges: the stopped color back to READY (down by its check, not held in drain).
    for (const edge of edges)
      expect(await edgeStatus(edge)).toEqual([
        `local-1-${ports[0]} 127.0.0.1:${ports[0]} DOWN`,
        `local-1-${ports[1]} 127.0.0.1:${ports[1]} UP`,
      ]);
  });

  it("refuses to switch when no edge answers, and the old color keeps serving", async () => {
    const settings = join(node.root, "etc/portage/node.env");
    const before = readFileSync(settings, "utf8");
    writeFileSync(settings, before.replace(/^EDGE_ADMIN_URL=.*$/m, `EDGE_ADMIN_URL="http://127.0.0.1:${dead}"`));
    try {
      const r = await runScript(node.root, "portage-deploy", ["1.0.0", sha["1.0.0"]!]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`the edge admin API at http://127.0.0.1:${dead} does not answer`);
      expect(r.stderr).toContain(`the old color on port ${ports[1]} keeps serving`);
      expect(await (await fetch(`http://127.0.0.1:${ports[1]}/`)).text()).toMatch(/^2\.0\.0 /);
    } finally {
      writeFileSync(settings, before);
    }
  });
});
