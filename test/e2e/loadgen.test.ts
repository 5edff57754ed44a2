import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startLoad } from "../../lab/fleet/loadgen";

/** The fleet tests assert "0 failed": that is only worth something if every failure is counted. */
describe("the load generator", () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A server on loopback whose n-th request gets `answer(n)`, once its body has arrived. */
  async function serve(answer: (n: number, res: http.ServerResponse, req: http.IncomingMessage, body: string) => void): Promise<string> {
    let n = 0;
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => answer(++n, res, req, body));
    });
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
    expect(report.failures).toEqual({ connection: seen.cut, timeout: 0, status: seen.status, body: 0 });
    expect(report.byMethod.GET.sent + report.byMethod.POST.sent).toBe(report.sent);
    expect(report.failed).toBe(seen.status + seen.cut);
    expect(report.lastFailureMs).toBeGreaterThanOrEqual(report.failureSamples[0]!.atMs);
    const v1 = report.byVersion["1.0.0"];
    const v2 = report.byVersion["2.0.0"];
    expect((v1?.count ?? 0) + (v2?.count ?? 0)).toBe(seen.ok);
    expect(v1!.lastMs).toBeLessThanOrEqual(v2!.firstMs);
  });

  it("sends every 4th request of a connection as a POST with a body of its own, and fails a POST whose body did not arrive whole", async () => {
    const posts: string[] = [];
    let gets = 0;
    const url = await serve((n, res, req, body) => {
      if (req.method === "POST") {
        expect(req.url).toBe("/echo");
        posts.push(body);
        // Every other POST is answered as if part of its body had been lost on the way.
        const received = posts.length % 2 === 0 ? Buffer.byteLength(body) - 1 : Buffer.byteLength(body);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ version: "1.0.0", received }));
      } else {
        gets++;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ version: "1.0.0" }));
      }
    });
    const report = await startLoad({ url, workers: 2, rate: 400, durationMs: 800 }).done;

    expect(report.sent).toBeGreaterThan(150);
    expect(report.byMethod.POST.sent).toBe(posts.length);
    expect(report.byMethod.GET.sent).toBe(gets);
    // 2 connections, each: GET GET GET POST ... (the last cycle may be cut short by the stop).
    expect(posts.length).toBeGreaterThanOrEqual(Math.floor(report.sent / 4) - 2);
    expect(posts.length).toBeLessThanOrEqual(Math.ceil(report.sent / 4));
    expect(new Set(posts).size).toBe(posts.length);
    expect(report.byMethod.POST.failed).toBe(Math.floor(posts.length / 2));
    expect(report.failures.body).toBe(Math.floor(posts.length / 2));
    expect(report.byMethod.GET.failed).toBe(0);
    expect(report.failureSamples[0]).toMatchObject({ kind: "body", method: "POST" });
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
