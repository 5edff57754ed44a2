import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Reading processes from /proc: the CPU time a proxy spent, for CPU per request. */

const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined; // gone
  }
}

/** utime + stime of a process (all its threads), in seconds; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  // After the name: state(3) ppid(4) ... utime(14) stime(15), so indexes 11 and 12 here.
  return f ? (Number(f[11]) + Number(f[12])) / ticksPerSecond : 0;
}

/** A process and its descendants (HAProxy's master and its worker). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (Number.isFinite(ppid)) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** CPU seconds of a process tree right now. */
export function treeCpuSeconds(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + cpuSeconds(p), 0);
}

/**
 * The cores a process and all its threads may run on (util-linux's `taskset`, a cpu list such as
 * "0" or "0-2"). What the process starts afterwards inherits them: HAProxy sizes its threads by them.
 */
export function pinProcess(pid: number, cpus: string): void {
  execFileSync("taskset", ["-a", "-p", "-c", cpus, String(pid)], { stdio: "ignore" });
}
