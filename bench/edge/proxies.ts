import { spawn } from "node:child_process";
import { existsSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serverStats } from "../../lab/fleet/haproxy-api";
import { balancerConfig } from "../../lab/fleet/regional";
import { waitFor } from "../../lab/fleet/run";
import { scratchEdge } from "../../lab/scratch/scratch";
import { accepts } from "./responder";

/** The two proxies the edge benchmark compares, each a running HAProxy with the pid to measure. */
export interface Proxy {
  url: string;
  /** The process whose tree (master and worker) is measured. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * portage's edge: the config `haproxyConfig` renders, through the same scratch edge the artifact
 * tests run (lab/scratch/scratch.ts: paths in a scratch directory, master-worker, the
 * admin password in HAProxy's environment). The backends are three nodes on 127.0.0.1-3 with the
 * port pair [live, free]: each node runs one color, the free one is down, as after a deploy.
 */
export async function startPortageProxy(hosts: string[], ports: [number, number]): Promise<Proxy> {
  const edge = await scratchEdge(
    hosts.map((address, i) => ({ name: `bench-${i + 1}`, address })),
    ports,
  );
  try {
    const socket = edge.env.HAPROXY_SOCKET ?? "";
    // Measure only once health checks settled: live servers UP, free ones DOWN (nothing is retried).
    await waitFor(
      "portage's edge to see the live ports UP and the free ones DOWN",
      async () => {
        const servers = (await serverStats(socket)).filter((s) => s.backend === "app");
        const settled = servers.every((s) => (s.address.endsWith(`:${ports[0]}`) ? s.status === "UP" : s.status === "DOWN"));
        return servers.length === hosts.length * 2 && settled ? true : undefined;
      },
      30_000,
      200,
    );
    const pid = Number(readFileSync(join(edge.root, "run/shim/haproxy.pid"), "utf8").trim());
    return { url: `http://127.0.0.1:${edge.httpPort}/`, pid, stop: async () => edge.stop() };
  } catch (e) {
    edge.stop();
    throw e;
  }
}

/** The seed article's config, kept verbatim beside this file (a fresh clone has no ../shared). */
export const seedConfigFile = join(__dirname, "seed3-haproxy.cfg");
const sharedSeedConfig = join(__dirname, "..", "..", "..", "shared", "reference", "seed3-haproxy.cfg");

/** A note when the copy beside this file no longer matches ../shared/reference (where it came from). */
export function seedConfigDrift(): string | undefined {
  if (!existsSync(sharedSeedConfig)) return undefined;
  return readFileSync(sharedSeedConfig, "utf8") === readFileSync(seedConfigFile, "utf8")
    ? undefined
    : `${seedConfigFile} differs from ${sharedSeedConfig}: copy it again`;
}

/** The seed config with its placeholders filled in (the header comment that names them stays), nothing else changed. */
export function seedConfig(listen: string, servers: string[]): string {
  const values: Record<string, string> = { LISTEN: listen, S1: servers[0] ?? "", S2: servers[1] ?? "", S3: servers[2] ?? "" };
  const lines = readFileSync(seedConfigFile, "utf8")
    .split("\n")
    .map((line) =>
      line.trimStart().startsWith("#") ? line : line.replace(/@([A-Z0-9]+)@/g, (whole, name: string) => values[name] || whole),
    );
  const left = lines.find((line) => !line.trimStart().startsWith("#") && /@[A-Z0-9]+@/.test(line));
  if (left) throw new Error(`${seedConfigFile}: a placeholder is not filled in: ${left.trim()}`);
  return lines.join("\n");
}

/**
 * The balancer hop: the local fleet's stand-in for the cloud's layer-4 balancer (HAProxy in TCP
 * mode, lab/fleet/regional.ts) in front of portage's edge, as an edge pair runs behind an NLB.
 * The pid measured is the balancer's alone: the hop's own cost.
 */
export async function startBalancer(dir: string, port: number, edge: string): Promise<Proxy> {
  const cfg = join(dir, "balancer.cfg");
  writeFileSync(cfg, balancerConfig(`127.0.0.1:${port}`, [edge], join(dir, "balancer.sock")));
  return runHaproxy(cfg, join(dir, "balancer.log"), port);
}

async function runHaproxy(cfg: string, logFile: string, port: number): Promise<Proxy> {
  const log = openSync(logFile, "a");
  const child = spawn("haproxy", ["-db", "-f", cfg], { stdio: ["ignore", log, log] });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  };
  try {
    await waitFor(`HAProxy of ${cfg} to listen`, () => accepts("127.0.0.1", port), 10_000, 50);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `http://127.0.0.1:${port}/`, pid: child.pid ?? 0, stop };
}

/** The seed config run as it would be: one HAProxy process in the foreground (the config has no master-worker). */
export async function startSeedProxy(dir: string, port: number, servers: string[]): Promise<Proxy> {
  const cfg = join(dir, "seed3-haproxy.cfg");
  writeFileSync(cfg, seedConfig(`127.0.0.1:${port}`, servers));
  return runHaproxy(cfg, join(dir, "seed-haproxy.log"), port);
}
