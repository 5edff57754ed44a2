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
  /** wrk's own CPU time (user + system), seconds: the client's share of the machine. */
  cpuSeconds: number;
}

/** Marks the line bash's `times` prints after wrk: its children's user and system time. */
const timesMark = "portage-wrk-times";

export async function wrk(url: string, seconds: number, s: WrkSettings): Promise<WrkResult> {
  const args = [`-t${s.threads}`, `-c${s.connections}`, `-d${seconds}s`, "--latency", url];
  // Through bash, whose `times` reports the CPU of the children it waited for (wrk): wrk's pid is
  // gone from /proc by the time its output can be read.
  const script = `wrk "$@" || exit $?; echo ${timesMark}; times`;
  const r = await run("bash", ["-c", script, "wrk", ...args], { timeoutMs: (seconds + 30) * 1000 });
  if (r.code !== 0) throw new Error(`wrk ${url} exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  const [out = "", times = ""] = r.stdout.split(`${timesMark}\n`);
  return { ...parseWrk(out), cpuSeconds: childrenCpuSeconds(times) };
}

/** The second line of bash's `times` (children's user and system time, e.g. `0m1.234s 0m0.567s`), in seconds. */
export function childrenCpuSeconds(times: string): number {
  const line = times.trim().split("\n")[1] ?? "";
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (parts.length !== 2) throw new Error(`bash times: unreadable children's line "${line}" in:\n${times}`);
  return (parts[0] ?? 0) + (parts[1] ?? 0);
}

/** wrk prints latencies as e.g. `812.00us`, `1.27ms`, `1.02s`. */
function milliseconds(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) throw new Error(`wrk: unreadable latency "${text}"`);
  const value = Number(m[1]);
  return m[2] === "us" ? value / 1000 : value * { ms: 1, s: 1000, m: 60_000 }[m[2] as "ms" | "s" | "m"];
}

export function parseWrk(out: string): Omit<WrkResult, "cpuSeconds"> {
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
