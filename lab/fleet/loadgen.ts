import http from "node:http";

/**
 * A bounded, paced HTTP load: `workers` keep-alive connections share `rate` requests per second
 * for `durationMs` (or until stop()). Every `postEvery`-th request of a connection is a POST with a
 * body (non-idempotent: the edge must never replay it), the others GETs. Every request is counted;
 * every failure (connection error, timeout, non-2xx status, a POST whose body did not arrive whole)
 * is counted by kind and method and never retried; every response's release version is counted
 * with when it was first and last seen. Reused by the benchmarks (bench/).
 */
export interface LoadOptions {
  url: string;
  workers: number;
  /** Requests per second over all workers; 0: as fast as each connection allows. */
  rate: number;
  /** Stops by itself after this long; without it, runs until stop(). */
  durationMs?: number;
  /** Every n-th request of each connection is a POST (default 4: a quarter of the load); 0: GETs only. */
  postEvery?: number;
  /**
   * Where POSTs go (default `/echo` on the URL's host). The answer must be 2xx and, when it is JSON
   * with `received`, name the body's length: the app got the whole body.
   */
  postPath?: string;
  /** A request without a complete response within this long is a failure (default 5000). */
  timeoutMs?: number;
  /** The release version a response came from (default: JSON `version`, else the x-release-version header). */
  versionOf?: (response: { status: number; headers: http.IncomingHttpHeaders; body: string }) => string | undefined;
}

export type FailureKind = "connection" | "timeout" | "status" | "body";

export interface MethodCounts {
  sent: number;
  ok: number;
  failed: number;
}

export interface VersionSeen {
  count: number;
  /** Milliseconds since the load started. */
  firstMs: number;
  lastMs: number;
}

export interface LoadReport {
  /** Epoch milliseconds when the load started: other events (a deploy step) can be placed on the same clock. */
  startedAt: number;
  durationMs: number;
  sent: number;
  ok: number;
  failed: number;
  /** The same counts for GETs and POSTs apart (a POST is never retried by the edge, a GET may be). */
  byMethod: Record<"GET" | "POST", MethodCounts>;
  failures: Record<FailureKind, number>;
  /** The first failures, for the test output. */
  failureSamples: { atMs: number; kind: FailureKind; method: "GET" | "POST"; detail: string }[];
  /** When the last failure happened (ms since the load started), null without failures: with the first sample, the span of an outage. */
  lastFailureMs: number | null;
  byVersion: Record<string, VersionSeen>;
  latencyMs: { p50: number; p99: number; max: number };
}

export interface LoadRun {
  /** Ends the load (in-flight requests complete) and returns the report. */
  stop(): Promise<LoadReport>;
  /** Resolves when the load ends, by duration or by stop(). */
  done: Promise<LoadReport>;
  /** Counts so far. */
  snapshot(): LoadReport;
}

const defaultVersion: NonNullable<LoadOptions["versionOf"]> = ({ headers, body }) => {
  try {
    const v = (JSON.parse(body) as { version?: unknown }).version;
    if (typeof v === "string") return v;
  } catch {
    /* not JSON */
  }
  const h = headers["x-release-version"];
  return typeof h === "string" ? h : undefined;
};

export function startLoad(opts: LoadOptions): LoadRun {
  if (opts.workers < 1) throw new Error("startLoad: workers must be at least 1");
  const timeoutMs = opts.timeoutMs ?? 5000;
  const versionOf = opts.versionOf ?? defaultVersion;
  const startedAt = Date.now();
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const report: LoadReport = {
    startedAt,
    durationMs: 0,
    sent: 0,
    ok: 0,
    failed: 0,
    byMethod: { GET: { sent: 0, ok: 0, failed: 0 }, POST: { sent: 0, ok: 0, failed: 0 } },
    failures: { connection: 0, timeout: 0, status: 0, body: 0 },
    failureSamples: [],
    lastFailureMs: null,
    byVersion: {},
    latencyMs: { p50: 0, p99: 0, max: 0 },
  };
  const latencies: number[] = [];
  let stopping = false;
  const stopTimer = opts.durationMs !== undefined ? setTimeout(() => (stopping = true), opts.durationMs) : undefined;

  const postEvery = opts.postEvery ?? 4;
  const postUrl = new URL(opts.postPath ?? "/echo", opts.url).toString();
  const fail = (method: "GET" | "POST", kind: FailureKind, detail: string) => {
    report.failed++;
    report.byMethod[method].failed++;
    report.failures[kind]++;
    report.lastFailureMs = Math.round(now());
    if (report.failureSamples.length < 50) report.failureSamples.push({ atMs: Math.round(now()), kind, method, detail });
  };

  const worker = async (index: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const interval = opts.rate > 0 ? (1000 * opts.workers) / opts.rate : 0;
    // Workers are spread over the first interval so the load is even, not in bursts.
    let nextAt = (interval * index) / opts.workers;
    let count = 0;
    try {
      while (!stopping) {
        const wait = nextAt - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (stopping) break;
        nextAt = Math.max(nextAt + interval, now());
        const sentAt = now();
        count++;
        const method = postEvery > 0 && count % postEvery === 0 ? "POST" : "GET";
        // A body unique to the request: a replayed POST would be a second copy of it at the app.
        const body =
          method === "POST" ? JSON.stringify({ worker: index, request: count, at: Date.now(), pad: "x".repeat(200) }) : undefined;
        report.sent++;
        report.byMethod[method].sent++;
        const outcome = await request(method === "POST" ? postUrl : opts.url, agent, timeoutMs, body);
        const at = now();
        latencies.push(at - sentAt);
        if ("error" in outcome) fail(method, outcome.timedOut ? "timeout" : "connection", outcome.error);
        else if (outcome.status < 200 || outcome.status > 299) fail(method, "status", `HTTP ${outcome.status}`);
        else if (body !== undefined && !receivedWhole(outcome.body, body))
          fail(method, "body", `the app did not get the whole body: ${outcome.body.slice(0, 120)}`);
        else {
          report.ok++;
          report.byMethod[method].ok++;
          const version = versionOf(outcome) ?? "unknown";
          const seen = (report.byVersion[version] ??= { count: 0, firstMs: Math.round(at), lastMs: 0 });
          seen.count++;
          seen.lastMs = Math.round(at);
        }
      }
    } finally {
      agent.destroy();
    }
  };

  const snapshot = (): LoadReport => {
    const sorted = [...latencies].sort((a, b) => a - b);
    const pct = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) * 10) / 10;
    return {
      ...report,
      durationMs: Math.round(now()),
      byMethod: structuredClone(report.byMethod),
      failures: { ...report.failures },
      failureSamples: [...report.failureSamples],
      byVersion: structuredClone(report.byVersion),
      latencyMs: { p50: pct(50), p99: pct(99), max: Math.round((sorted[sorted.length - 1] ?? 0) * 10) / 10 },
    };
  };

  const done = Promise.all(Array.from({ length: opts.workers }, (_, i) => worker(i))).then(() => {
    if (stopTimer) clearTimeout(stopTimer);
    return snapshot();
  });
  return {
    done,
    snapshot,
    stop: () => {
      stopping = true;
      return done;
    },
  };
}

type Outcome = { status: number; headers: http.IncomingHttpHeaders; body: string } | { error: string; timedOut: boolean };

/** True unless the answer is JSON naming another length in `received` (an app without the field is taken at its 2xx). */
function receivedWhole(answer: string, body: string): boolean {
  try {
    const received = (JSON.parse(answer) as { received?: unknown }).received;
    return received === undefined || received === Buffer.byteLength(body);
  } catch {
    return true;
  }
}

function request(url: string, agent: http.Agent, timeoutMs: number, body?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let timedOut = false;
    const headers = body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    const req = http.request(url, { agent, method: body === undefined ? "GET" : "POST", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", (e) => resolve({ error: e.message, timedOut }));
    });
    // One deadline for the whole exchange, not an idle-socket timeout.
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error(`no response within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ? `${e.code} ${e.message}` : e.message, timedOut }));
    req.on("close", () => clearTimeout(timer));
    req.end(body);
  });
}

/**
 * Runs `during` under a load, steady for `settleMs` before it starts and going on `settleMs` after
 * it ends; returns what the load saw and what `during` returned.
 */
export async function underLoad<T>(
  opts: LoadOptions,
  during: (run: LoadRun) => Promise<T>,
  settleMs = 1000,
): Promise<{ report: LoadReport; result: T }> {
  const pause = () => new Promise((r) => setTimeout(r, settleMs));
  const run = startLoad(opts);
  let result: T;
  try {
    await pause();
    result = await during(run);
    await pause();
  } finally {
    await run.stop();
  }
  return { report: await run.done, result };
}

/**
 * Why a paced load did not really run at its pace, or undefined: fewer than 60% of the requests its
 * rate asks for over its duration (room for a busy machine running two loads at once, where slow
 * answers hold up the paced clients), or fewer POSTs than one in `postEvery` per connection. A zero-failure test that checks this can not pass on a handful of requests.
 */
export function loadShortfall(report: LoadReport, opts: Pick<LoadOptions, "rate" | "workers" | "postEvery">): string | undefined {
  const paced = (opts.rate * report.durationMs) / 1000;
  if (report.sent < 0.6 * paced) return `${report.sent} requests in ${report.durationMs} ms, under 60% of ${opts.rate}/s`;
  const every = opts.postEvery ?? 4;
  const posts = every > 0 ? Math.floor(report.sent / every) - opts.workers : 0;
  if (report.byMethod.POST.sent < posts) return `${report.byMethod.POST.sent} POSTs of ${report.sent} requests, under one in ${every}`;
  return undefined;
}

/** One line for the test output: what the load saw. */
export function describeLoad(name: string, r: LoadReport): string {
  const versions = Object.entries(r.byVersion)
    .map(([v, s]) => `${v}: ${s.count} (first ${(s.firstMs / 1000).toFixed(2)} s, last ${(s.lastMs / 1000).toFixed(2)} s)`)
    .join("; ");
  const kinds = Object.entries(r.failures)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  const posts = r.byMethod.POST;
  return `${name}: ${r.sent} requests (${posts.sent} POSTs) in ${(r.durationMs / 1000).toFixed(1)} s, ${r.failed} failed${kinds ? ` (${kinds}; ${posts.failed} POSTs)` : ""}, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms; versions ${versions || "none"}`;
}
