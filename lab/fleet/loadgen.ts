import http from "node:http";

/**
 * A bounded, paced HTTP load: `workers` keep-alive connections share `rate` requests per second
 * for `durationMs` (or until stop()). Every request is counted; every failure (connection error,
 * timeout, non-2xx status) is counted by kind and never retried; every response's release version
 * is counted with when it was first and last seen. Reused by the benchmarks (bench/).
 */
export interface LoadOptions {
  url: string;
  workers: number;
  /** Requests per second over all workers; 0: as fast as each connection allows. */
  rate: number;
  /** Stops by itself after this long; without it, runs until stop(). */
  durationMs?: number;
  /** A request without a complete response within this long is a failure (default 5000). */
  timeoutMs?: number;
  /** The release version a response came from (default: JSON `version`, else the x-release-version header). */
  versionOf?: (response: { status: number; headers: http.IncomingHttpHeaders; body: string }) => string | undefined;
}

export type FailureKind = "connection" | "timeout" | "status";

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
  failures: Record<FailureKind, number>;
  /** The first failures, for the test output. */
  failureSamples: { atMs: number; kind: FailureKind; detail: string }[];
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
    failures: { connection: 0, timeout: 0, status: 0 },
    failureSamples: [],
    lastFailureMs: null,
    byVersion: {},
    latencyMs: { p50: 0, p99: 0, max: 0 },
  };
  const latencies: number[] = [];
  let stopping = false;
  const stopTimer = opts.durationMs !== undefined ? setTimeout(() => (stopping = true), opts.durationMs) : undefined;

  const fail = (kind: FailureKind, detail: string) => {
    report.failed++;
    report.failures[kind]++;
    report.lastFailureMs = Math.round(now());
    if (report.failureSamples.length < 50) report.failureSamples.push({ atMs: Math.round(now()), kind, detail });
  };

  const worker = async (index: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const interval = opts.rate > 0 ? (1000 * opts.workers) / opts.rate : 0;
    // Workers are spread over the first interval so the load is even, not in bursts.
    let nextAt = (interval * index) / opts.workers;
    try {
      while (!stopping) {
        const wait = nextAt - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (stopping) break;
        nextAt = Math.max(nextAt + interval, now());
        const sentAt = now();
        report.sent++;
        const outcome = await request(opts.url, agent, timeoutMs);
        const at = now();
        latencies.push(at - sentAt);
        if ("error" in outcome) fail(outcome.timedOut ? "timeout" : "connection", outcome.error);
        else if (outcome.status < 200 || outcome.status > 299) fail("status", `HTTP ${outcome.status}`);
        else {
          report.ok++;
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

function request(url: string, agent: http.Agent, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let timedOut = false;
    const req = http.get(url, { agent }, (res) => {
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
  });
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
  return `${name}: ${r.sent} requests in ${(r.durationMs / 1000).toFixed(1)} s, ${r.failed} failed${kinds ? ` (${kinds})` : ""}, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms; versions ${versions || "none"}`;
}
