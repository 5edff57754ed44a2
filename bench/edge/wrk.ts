import { run } from "../../lab/fleet/run";

/** wrk (Debian's), run to completion and read back: throughput, latency percentiles, errors. */

export interface WrkSettings {
  /** wrk threads: each is one event loop on one core. */
  threads: number;
  /** Keep-alive connections over all threads. */
  connections: number;
}

export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Connect, read, write and timeout errors, plus non-2xx/3xx answers. */
  errors: number;
}

export async function wrk(url: string, seconds: number, s: WrkSettings): Promise<WrkResult> {
  const r = await run("wrk", [`-t${s.threads}`, `-c${s.connections}`, `-d${seconds}s`, "--latency", url], {
    timeoutMs: (seconds + 30) * 1000,
  });
  if (r.code !== 0) throw new Error(`wrk ${url} exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  return parseWrk(r.stdout);
}

/** wrk prints latencies as e.g. `812.00us`, `1.27ms`, `1.02s`. */
function milliseconds(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) throw new Error(`wrk: unreadable latency "${text}"`);
  const value = Number(m[1]);
  return m[2] === "us" ? value / 1000 : value * { ms: 1, s: 1000, m: 60_000 }[m[2] as "ms" | "s" | "m"];
}

export function parseWrk(out: string): WrkResult {
  const need = (re: RegExp, what: string) => {
    const m = re.exec(out);
    if (!m) throw new Error(`wrk output has no ${what}:\n${out}`);
    return m;
  };
  const total = need(/(\d+) requests in ([\d.]+)(ms|s|m),/, "request count");
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const errors = (socket ? socket.slice(1).reduce((s, v) => s + Number(v), 0) : 0) + Number(non2xx?.[1] ?? 0);
  return {
    requests: Number(total[1]),
    seconds: Number(total[2]) * { ms: 0.001, s: 1, m: 60 }[total[3] as "ms" | "s" | "m"],
    rps: Number(need(/Requests\/sec:\s+([\d.]+)/, "Requests/sec")[1]),
    p50Ms: milliseconds(need(/^\s+50%\s+(\S+)/m, "50th percentile (--latency)")[1] ?? ""),
    p99Ms: milliseconds(need(/^\s+99%\s+(\S+)/m, "99th percentile (--latency)")[1] ?? ""),
    errors,
  };
}
