import { createHash } from "node:crypto";
import { must, run } from "./run";

/**
 * The fleet's private network: a bridge on the host with one address, and one network namespace per
 * host, joined to the bridge by a veth pair. Nothing is routed beyond the bridge. Every name starts
 * with the plan's prefix, so leftovers of a crashed run are found and removed by prefix alone.
 */
export interface NetworkPlan {
  /** Short (at most 8 characters): interface names are limited to 15. e.g. "pfe2e". */
  prefix: string;
  /** The first three octets of a /24 nobody else uses, e.g. "10.77.0". The host side of the bridge is .1. */
  subnet: string;
}

export const bridgeName = (plan: NetworkPlan) => `${plan.prefix}-br`;
export const bridgeAddress = (plan: NetworkPlan) => `${plan.subnet}.1`;
export const namespaceName = (plan: NetworkPlan, host: string) => `${plan.prefix}-${host}`;

export async function createBridge(plan: NetworkPlan): Promise<void> {
  if (!/^[a-z][a-z0-9]{0,7}$/.test(plan.prefix)) throw new Error(`network prefix "${plan.prefix}": use 1-8 lowercase letters and digits`);
  const br = bridgeName(plan);
  await must("ip", ["link", "add", br, "type", "bridge"]);
  await must("ip", ["addr", "add", `${bridgeAddress(plan)}/24`, "dev", br]);
  await must("ip", ["link", "set", br, "up"]);
}

/** A network namespace with `eth0` at `address`/24 on the bridge, and loopback up (epmd listens there). */
export async function createNamespace(plan: NetworkPlan, host: string, address: string): Promise<string> {
  const ns = namespaceName(plan, host);
  const outside = vethName(plan, host);
  const inside = `${outside.slice(0, 14)}p`;
  await must("ip", ["netns", "add", ns]);
  await must("ip", ["link", "add", outside, "type", "veth", "peer", "name", inside]);
  await must("ip", ["link", "set", outside, "master", bridgeName(plan), "up"]);
  await must("ip", ["link", "set", inside, "netns", ns]);
  const inNs = (...args: string[]) => must("ip", ["-n", ns, ...args]);
  await inNs("link", "set", inside, "name", "eth0");
  await inNs("addr", "add", `${address}/24`, "dev", "eth0");
  await inNs("link", "set", "eth0", "up");
  await inNs("link", "set", "lo", "up");
  return ns;
}

/**
 * The bridge side of a host's veth pair: `<prefix>-<host>`, or, when that is over 14 characters
 * (interface names hold 15, and the namespace side adds a "p"), `<prefix>-<hash of the host>`, so
 * that `local-1` and `local-10` never cut to the same name.
 */
export function vethName(plan: NetworkPlan, host: string): string {
  const name = `${plan.prefix}-${host}`;
  return name.length <= 14
    ? name
    : `${plan.prefix}-${createHash("sha256")
        .update(host)
        .digest("hex")
        .slice(0, 13 - plan.prefix.length)}`;
}

/** Process ids running in a network namespace (what `ip netns pids` reports). */
export async function namespacePids(ns: string): Promise<number[]> {
  const r = await run("ip", ["netns", "pids", ns]);
  return r.stdout.split(/\s+/).filter(Boolean).map(Number);
}

/**
 * Removes everything carrying the prefix: the processes inside its namespaces (all started by the
 * harness), the namespaces, and the bridge. Safe to call when nothing exists.
 */
export async function removeNetwork(plan: NetworkPlan): Promise<void> {
  const list = await run("ip", ["netns", "list"]);
  const ours = list.stdout
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((name) => name.startsWith(`${plan.prefix}-`));
  for (const ns of ours) await killNamespace(ns);
  for (const ns of ours) await run("ip", ["netns", "del", ns]);
  const links = await run("ip", ["-o", "link", "show"]);
  for (const line of links.stdout.split("\n")) {
    const name = /^\d+: ([^:@]+)/.exec(line)?.[1];
    if (name?.startsWith(`${plan.prefix}-`)) await run("ip", ["link", "del", name]);
  }
}

/** SIGTERM, a moment to exit, then SIGKILL for what is left. */
export async function killNamespace(ns: string): Promise<void> {
  const signal = (pids: number[], sig: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal(await namespacePids(ns), "SIGTERM");
  for (let i = 0; i < 20; i++) {
    if ((await namespacePids(ns)).length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  signal(await namespacePids(ns), "SIGKILL");
}
