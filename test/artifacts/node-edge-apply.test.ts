/**
 * portage-edge-apply and portage-edge-status on a real HAProxy: routes pushed when nodes change are
 * validated first, reloaded without a dropped request, and the new process keeps the old one's
 * view of which servers are down.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haproxyConfig } from "../../components/node/haproxy";
import type { EdgeRoutes } from "../../components/node/types";
import { startLoad } from "./support/load";
import { freePorts, removeScratchDirs, runScript, scratchDir, scratchEdge, support, type ScratchEdge } from "../../lab/scratch/scratch";

/** A stand-in app listening on a port, as a node's serving color would. */
function serve(port: number, version: string): ChildProcess {
  const dir = scratchDir(`app-${port}`);
  copyFileSync(join(support, "standin-app.py"), join(dir, "app.py"));
  writeFileSync(join(dir, "VERSION"), version);
  writeFileSync(join(dir, "healthy"), "");
  return spawn("python3", [join(dir, "app.py")], {
    env: { ...process.env, PORT: String(port), RELEASE_NODE: `hello-${port}@127.0.0.1` },
    stdio: "ignore",
  });
}

async function answering(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`http://127.0.0.1:${port}/ping`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing answers on port ${port}`);
}

describe("portage-edge-apply and portage-edge-status", () => {
  let edge: ScratchEdge;
  const apps: ChildProcess[] = [];
  let ports: number[];
  let nodes: EdgeRoutes["nodes"];

  const apply = (routes: EdgeRoutes, extra = "") => {
    const file = join(scratchDir("routes"), "haproxy.cfg");
    writeFileSync(file, haproxyConfig(routes, edge.options) + extra);
    return runScript(edge.root, "portage-edge-apply", [file], edge.env);
  };
  const status = async () => (await runScript(edge.root, "portage-edge-status", [], edge.env)).stdout.trim().split("\n");
  const waitUntil = async (check: (lines: string[]) => boolean) => {
    for (let i = 0; i < 100; i++) {
      if (check(await status())) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`edge status never settled: ${(await status()).join(", ")}`);
  };

  beforeAll(async () => {
    // Three "nodes" on loopback, each with a serving color and a stopped one.
    ports = await freePorts(6);
    nodes = [0, 1, 2].map((i) => ({ name: `node-${i + 1}`, address: "127.0.0.1" }));
    edge = await scratchEdge([], [0, 0]);
    for (const i of [0, 2, 4]) apps.push(serve(ports[i]!, "1.0.0"));
    for (const i of [0, 2, 4]) await answering(ports[i]!);
  });

  afterAll(() => {
    for (const a of apps) a.kill("SIGTERM");
    edge?.stop();
    removeScratchDirs();
  });

  /** One backend per node pair in the scratch setup: node i has ports[2i] (serving) and ports[2i+1] (stopped). */
  const routesFor = (which: number[]): EdgeRoutes => ({
    ...edge.routes,
    // The renderer lists each node on the pair of ports; loopback nodes differ by port instead.
    app: { ...edge.routes.app, ports: [0, 0] },
    nodes: which.map((i) => nodes[i]!),
  });

  it("applies routes and reports every server with its state", async () => {
    const routes = routesFor([0, 1, 2]);
    const config = haproxyConfig(routes, edge.options);
    const portsConfig = rewritePorts(config, ports);
    const file = join(scratchDir("routes"), "haproxy.cfg");
    writeFileSync(file, portsConfig);
    const r = await runScript(edge.root, "portage-edge-apply", [file], edge.env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(join(edge.root, "etc/haproxy/haproxy.cfg"), "utf8")).toBe(portsConfig);
    const expected = nodes.flatMap((n, i) => [
      `${n.name}-a 127.0.0.1:${ports[2 * i]} UP`,
      `${n.name}-b 127.0.0.1:${ports[2 * i + 1]} DOWN`,
    ]);
    await waitUntil((lines) => JSON.stringify(lines) === JSON.stringify(expected));
    expect(await status()).toEqual(expected);
  });

  it("removes a node and adds it back under load without a failed request; down servers stay down across reloads", async () => {
    const load = startLoad(edge.httpPort);
    const without = join(scratchDir("routes"), "haproxy.cfg");
    writeFileSync(without, rewritePorts(haproxyConfig(routesFor([0, 2]), edge.options), [ports[0]!, ports[1]!, ports[4]!, ports[5]!]));
    const removed = await runScript(edge.root, "portage-edge-apply", [without], edge.env);
    expect(removed.code).toBe(0);
    // Right after the reload, the stopped colors are still known to be down (state carried over).
    expect((await status()).filter((l) => l.includes(`:${ports[1]} `) || l.includes(`:${ports[5]} `))).toEqual([
      `node-1-b 127.0.0.1:${ports[1]} DOWN`,
      `node-3-b 127.0.0.1:${ports[5]} DOWN`,
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    const back = join(scratchDir("routes"), "haproxy.cfg");
    writeFileSync(back, rewritePorts(haproxyConfig(routesFor([0, 1, 2]), edge.options), ports));
    const added = await runScript(edge.root, "portage-edge-apply", [back], edge.env);
    expect(added.code).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    const result = await load.stop();
    expect(result.failed, result.failures.join("; ")).toBe(0);
    expect(result.sent).toBeGreaterThan(50);
    expect(result.posts).toBeGreaterThan(10);
  });

  it("refuses an invalid config with HAProxy's reason and keeps the running one", async () => {
    const running = readFileSync(join(edge.root, "etc/haproxy/haproxy.cfg"), "utf8");
    const r = await apply(routesFor([0]), "\nbackend broken\n    balance nonsense\n");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("the new HAProxy config is invalid, the running one is unchanged");
    expect(r.stderr).toContain("balance only supports");
    expect(readFileSync(join(edge.root, "etc/haproxy/haproxy.cfg"), "utf8")).toBe(running);
    const load = startLoad(edge.httpPort, 2);
    await new Promise((res) => setTimeout(res, 300));
    const result = await load.stop();
    expect(result.failed, result.failures.join("; ")).toBe(0);
    expect(result.sent).toBeGreaterThan(10);
    expect(result.posts).toBeGreaterThan(2);
  });

  it("the same routes again: nothing to reload", async () => {
    const file = join(scratchDir("routes"), "haproxy.cfg");
    writeFileSync(file, readFileSync(join(edge.root, "etc/haproxy/haproxy.cfg"), "utf8"));
    const r = await runScript(edge.root, "portage-edge-apply", [file], edge.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("routes unchanged");
  });
});

/**
 * On loopback every node has the same address, so the scratch nodes differ by port: server lines
 * `<node>-0 127.0.0.1:0` are given the ports in order, named `-a` (serving) and `-b` (stopped).
 */
function rewritePorts(config: string, ports: number[]): string {
  let i = 0;
  return config.replace(/^( {4}server )(\S+)-0 127\.0\.0\.1:0$/gm, (_, prefix: string, name: string) => {
    const port = ports[i];
    const line = `${prefix}${name}-${i % 2 === 0 ? "a" : "b"} 127.0.0.1:${port}`;
    i++;
    return line;
  });
}
