import { spawn, type ChildProcess } from "node:child_process";
import { openSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { waitFor } from "../../lab/fleet/run";

/**
 * The edge benchmark's backends: one HAProxy process per backend answering every request itself
 * (`http-request return`: a 2-byte 200, keep-alive, no file or upstream behind it). HAProxy because
 * it is the most efficient static responder installed here, so the backends are never what limits
 * the proxy in front; one thread each (3 backends on 2 cores), which still serves ~75k requests/s.
 */
export interface Responders {
  /** host:port of each backend. */
  addresses: string[];
  pids: number[];
  stop(): Promise<void>;
}

export function responderConfig(bind: string): string {
  return [
    "global",
    "    nbthread 1",
    // Far above what wrk opens; twice this in file descriptors must fit the machine's limit.
    "    maxconn 4000",
    "defaults",
    "    mode http",
    "    timeout client 30s",
    "    timeout http-keep-alive 30s",
    "frontend responder",
    `    bind ${bind}`,
    '    http-request return status 200 content-type text/plain string "ok"',
    "",
  ].join("\n");
}

/** Starts one responder per host (loopback addresses 127.0.0.x all reach this machine) on `port`. */
export async function startResponders(dir: string, hosts: string[], port: number): Promise<Responders> {
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(
      children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once("exit", r)))),
    );
  };
  try {
    for (const [i, host] of hosts.entries()) {
      const cfg = join(dir, `responder-${i + 1}.cfg`);
      writeFileSync(cfg, responderConfig(`${host}:${port}`));
      const log = openSync(join(dir, `responder-${i + 1}.log`), "a");
      children.push(spawn("haproxy", ["-db", "-f", cfg], { stdio: ["ignore", log, log] }));
    }
    for (const host of hosts) await waitFor(`the responder on ${host}:${port}`, () => accepts(host, port), 10_000, 50);
  } catch (e) {
    await stop();
    throw e;
  }
  return { addresses: hosts.map((h) => `${h}:${port}`), pids: children.map((c) => c.pid ?? 0), stop };
}

/** True when something accepts TCP connections on host:port (undefined otherwise, for waitFor). */
export function accepts(host: string, port: number, timeoutMs = 1000): Promise<true | undefined> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.setTimeout(timeoutMs, () => (s.destroy(), resolve(undefined)));
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(undefined));
  });
}
