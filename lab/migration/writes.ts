import http from "node:http";

/**
 * The write half of the rehearsal's load: paced POSTs through an edge, never retried, each outcome
 * kept with the time it was sent. A write is accepted (2xx with the new row's id), refused (503
 * with `frozen`: the database is frozen for the migration) or failed (anything else: what must never
 * happen). The refused ones give the write freeze: how long a write sent then was turned away.
 */
export interface WriteOptions {
  url: string;
  workers: number;
  /** POSTs per second over all workers. */
  rate: number;
  timeoutMs?: number;
}

export interface WriteOutcome {
  /** Milliseconds since the load started, when the request was sent. */
  sentMs: number;
  result: "accepted" | "refused" | "failed";
  cloud?: string;
  id?: number;
  detail?: string;
}

export interface WriteReport {
  sent: number;
  accepted: number;
  refused: number;
  failed: number;
  /** Ids of the accepted rows, per cloud that answered. */
  ids: Record<string, number[]>;
  failures: WriteOutcome[];
  /** From the first refused write to the first accepted one after the last refusal (send times); null when none was refused. */
  freeze: { fromMs: number; toMs: number; seconds: number } | null;
}

export function startWrites(opts: WriteOptions): { stop(): Promise<WriteReport> } {
  const t0 = performance.now();
  const outcomes: WriteOutcome[] = [];
  let stopping = false;
  const interval = (1000 * opts.workers) / opts.rate;

  const worker = async (index: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let nextAt = (interval * index) / opts.workers;
    try {
      while (!stopping) {
        const wait = nextAt - (performance.now() - t0);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (stopping) break;
        const sentMs = performance.now() - t0;
        nextAt = Math.max(nextAt + interval, sentMs);
        outcomes.push({ sentMs, ...(await post(opts.url, agent, opts.timeoutMs ?? 5000)) });
      }
    } finally {
      agent.destroy();
    }
  };
  const running = Promise.all(Array.from({ length: opts.workers }, (_, i) => worker(i)));
  return {
    async stop() {
      stopping = true;
      await running;
      return summarize(outcomes);
    },
  };
}

export function summarize(outcomes: WriteOutcome[]): WriteReport {
  const sorted = [...outcomes].sort((a, b) => a.sentMs - b.sentMs);
  const ids: Record<string, number[]> = {};
  for (const o of sorted) if (o.result === "accepted" && o.cloud && o.id !== undefined) (ids[o.cloud] ??= []).push(o.id);
  const refused = sorted.filter((o) => o.result === "refused");
  let freeze: WriteReport["freeze"] = null;
  const first = refused[0];
  const last = refused[refused.length - 1];
  if (first && last) {
    const after = sorted.find((o) => o.sentMs > last.sentMs && o.result === "accepted");
    const toMs = after?.sentMs ?? last.sentMs;
    freeze = { fromMs: Math.round(first.sentMs), toMs: Math.round(toMs), seconds: Math.round(toMs - first.sentMs) / 1000 };
  }
  return {
    sent: sorted.length,
    accepted: sorted.filter((o) => o.result === "accepted").length,
    refused: refused.length,
    failed: sorted.filter((o) => o.result === "failed").length,
    ids,
    failures: sorted.filter((o) => o.result === "failed").slice(0, 20),
    freeze,
  };
}

function post(url: string, agent: http.Agent, timeoutMs: number): Promise<Omit<WriteOutcome, "sentMs">> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": 2 } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("error", (e) => resolve({ result: "failed", detail: e.message }));
        res.on("end", () => {
          let json: { cloud?: string; id?: number; frozen?: boolean } = {};
          try {
            json = JSON.parse(body) as typeof json;
          } catch {
            /* not the app's answer (an edge error page) */
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300 && typeof json.id === "number") resolve({ result: "accepted", cloud: json.cloud, id: json.id });
          else if (status === 503 && json.frozen === true) resolve({ result: "refused", cloud: json.cloud });
          else resolve({ result: "failed", detail: `HTTP ${status} ${body.slice(0, 200)}` });
        });
      },
    );
    // One deadline for the whole exchange.
    const timer = setTimeout(() => req.destroy(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
    req.on("error", (e) => resolve({ result: "failed", detail: e.message }));
    req.on("close", () => clearTimeout(timer));
    req.end("{}");
  });
}
