import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startLoad } from "../../lab/fleet/loadgen";

/** The fleet tests assert "0 failed": that is only worth something if every failure is counted. */
describe("the load generator", () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A server on loopback whose n-th request gets `answer(n)`. */
  async function serve(answer: (n: number, res: http.ServerResponse) => void): Promise<string> {
    let n = 0;
    server = http.createServer((_req, res) => answer(++n, res));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  it("counts every request, every error status and every cut connection, and each version", async () => {
    const seen = { ok: 0, status: 0, cut: 0 };
    const url = await serve((n, res) => {
      if (n % 10 === 3) {
        seen.status++;
        res.writeHead(503).end("unhealthy");
      } else if (n % 10 === 6) {
        seen.cut++;
        res.socket?.destroy();
      } else {
        seen.ok++;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ version: n <= 100 ? "1.0.0" : "2.0.0" }));
      }
    });
    const report = await startLoad({ url, workers: 4, rate: 400, durationMs: 800 }).done;

    expect(report.sent).toBe(seen.ok + seen.status + seen.cut);
    expect(report.sent).toBeGreaterThan(150);
    expect(report.ok).toBe(seen.ok);
    expect(report.failures).toEqual({ connection: seen.cut, timeout: 0, status: seen.status });
    expect(report.failed).toBe(seen.status + seen.cut);
    expect(report.lastFailureMs).toBeGreaterThanOrEqual(report.failureSamples[0]!.atMs);
    const v1 = report.byVersion["1.0.0"];
    const v2 = report.byVersion["2.0.0"];
    expect((v1?.count ?? 0) + (v2?.count ?? 0)).toBe(seen.ok);
    expect(v1!.lastMs).toBeLessThanOrEqual(v2!.firstMs);
  });

  it("counts a request without an answer in time as a timeout", async () => {
    const url = await serve(() => undefined); // never answers
    const report = await startLoad({ url, workers: 2, rate: 0, durationMs: 300, timeoutMs: 200 }).done;
    expect(report.sent).toBeGreaterThan(0);
    expect(report.failures.timeout).toBe(report.sent);
    expect(report.ok).toBe(0);
    server?.closeAllConnections();
  });
});
