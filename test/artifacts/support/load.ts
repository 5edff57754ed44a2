import { Agent, request } from "node:http";

export interface LoadResult {
  sent: number;
  /** Of `sent`: POSTs, which the edge must never replay. */
  posts: number;
  failed: number;
  /** A few failures, for the assertion message. */
  failures: string[];
  /** How many responses each body (version and node) had. */
  bodies: Map<string, number>;
}

/**
 * Keeps `workers` keep-alive clients sending requests through the edge until stopped, counting every
 * request that did not get a 200: GETs, and every 4th request of a client a POST with a body
 * (non-idempotent). Some requests take a second (`/slow`), so requests are in flight whenever a
 * color is drained.
 */
export function startLoad(port: number, workers = 6): { stop(): Promise<LoadResult> } {
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  const result: LoadResult = { sent: 0, posts: 0, failed: 0, failures: [], bodies: new Map() };
  let running = true;
  const fail = (why: string) => {
    result.failed++;
    if (result.failures.length < 5) result.failures.push(why);
  };
  const once = (path: string, post: boolean) =>
    new Promise<void>((resolve) => {
      result.sent++;
      if (post) result.posts++;
      const body = post ? JSON.stringify({ n: result.sent }) : undefined;
      const headers = body === undefined ? {} : { "content-length": Buffer.byteLength(body) };
      const req = request({ host: "127.0.0.1", port, path, agent, timeout: 10_000, method: post ? "POST" : "GET", headers }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => {
          if (res.statusCode === 200) result.bodies.set(body, (result.bodies.get(body) ?? 0) + 1);
          else fail(`${path}: HTTP ${res.statusCode} ${body.slice(0, 80)}`);
          resolve();
        });
        res.on("error", (e) => (fail(`${path}: ${e.message}`), resolve()));
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (e) => (fail(`${path}: ${e.message}`), resolve()));
      req.end(body);
    });
  const loops = Array.from({ length: workers }, async (_, i) => {
    for (let n = 1; running; n++) await once(n % 4 === 0 ? "/echo" : i === 0 ? "/slow" : "/", n % 4 === 0);
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return result;
    },
  };
}

/** The versions the responses named (the body is `<version> <node name>`). */
export function versions(r: LoadResult): string[] {
  return [...new Set([...r.bodies.keys()].map((b) => b.split(" ")[0] ?? ""))].sort();
}
