import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildRelease } from "../../lab/fleet/release";
import { must, waitFor } from "../../lab/fleet/run";

/**
 * The fixture app, on loopback: what the fleet tests and the benchmarks rely on it for (keep-alive,
 * its version in each answer, a health check that a build flag breaks, slow answers, a graceful stop).
 */
describe("the fixture app (examples/hello)", () => {
  const dirs: string[] = [];
  const running: ChildProcess[] = [];
  afterAll(() => {
    for (const p of running) if (p.exitCode === null) p.kill("SIGKILL");
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** Unpacks a release and starts it on a free loopback port, without distribution (no epmd). */
  async function start(version: string, health: "ok" | "fail" = "ok"): Promise<{ port: number; proc: ChildProcess }> {
    const release = await buildRelease({ version, health });
    const dir = mkdtempSync(join(tmpdir(), "hello-"));
    dirs.push(dir);
    await must("tar", ["-xzf", release.tarball, "-C", dir]);
    const port = await freePort();
    const proc = spawn(join(dir, "bin", "hello"), ["start"], {
      env: { PATH: process.env.PATH, HOME: dir, PORT: String(port), RELEASE_DISTRIBUTION: "none" },
      stdio: "ignore",
    });
    running.push(proc);
    await waitFor(
      `hello ${version} on port ${port}`,
      async () => ((await get(port, "/ping").catch(() => undefined)) ? true : undefined),
      30_000,
      200,
    );
    return { port, proc };
  }

  it("answers with its version over one kept-alive connection, and slowly on /slow", async () => {
    const { port } = await start("1.0.0");
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const ping = await get(port, "/ping", agent);
    const info = await get(port, "/", agent);
    const slow = await get(port, "/slow?ms=300", agent);
    expect(ping.status).toBe(200);
    expect(JSON.parse(info.body)).toEqual({ node: "nonode@nohost", version: "1.0.0", peers: [] });
    expect(info.headers["x-release-version"]).toBe("1.0.0");
    expect(slow.ms).toBeGreaterThanOrEqual(300);
    expect(new Set([ping.socket, info.socket, slow.socket]).size).toBe(1);
    agent.destroy();
  }, 60_000);

  it("fails its health check when built with HELLO_HEALTH=fail", async () => {
    const { port } = await start("3.0.0", "fail");
    expect((await get(port, "/ping")).status).toBe(503);
    expect(JSON.parse((await get(port, "/")).body).version).toBe("3.0.0");
  }, 60_000);

  it("finishes the request in flight on SIGTERM, then exits", async () => {
    const { port, proc } = await start("1.0.0");
    const inFlight = get(port, "/slow?ms=1500");
    await new Promise((r) => setTimeout(r, 300));
    proc.kill("SIGTERM");
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    await waitFor("the release to exit", async () => (proc.exitCode !== null || proc.signalCode !== null ? true : undefined), 30_000, 100);
  }, 60_000);
});

let sockets = 0;
const socketIds = new WeakMap<object, number>();

async function get(
  port: number,
  path: string,
  agent?: http.Agent,
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders; ms: number; socket: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: agent ?? false }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => {
        if (!socketIds.has(req.socket!)) socketIds.set(req.socket!, ++sockets);
        resolve({
          status: res.statusCode ?? 0,
          body,
          headers: res.headers,
          ms: Date.now() - started,
          socket: socketIds.get(req.socket!) ?? 0,
        });
      });
    });
    req.on("error", reject);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
