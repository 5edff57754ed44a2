import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { requiredCommands } from "../../lab/fleet/fleet";
import { run } from "../../lab/fleet/run";

/**
 * What the benchmarks need from the machine, checked before anything starts (so a fresh machine
 * gets one message listing everything missing, not a failure ten minutes in), and the facts a
 * reader needs to compare figures across machines.
 */

/** Command -> the Debian package that has it (what bin/setup-test-machine installs). */
const packageOf: Record<string, string> = {
  wrk: "wrk",
  haproxy: "haproxy",
  elixir: "elixir",
  mix: "elixir",
  erl: "erlang-nox",
  curl: "curl",
  taskset: "util-linux",
  socat: "socat",
  ip: "iproute2",
  dnsmasq: "dnsmasq-base",
  nsenter: "util-linux",
  unshare: "util-linux",
  setpriv: "util-linux",
  prlimit: "util-linux",
  flock: "util-linux",
  mount: "mount",
  useradd: "passwd",
  hostname: "hostname",
  tar: "tar",
};

/** wrk and HAProxy for the edge, Elixir to build the fixture release, and what the local fleet runs. */
export const benchCommands = [...new Set(["wrk", "haproxy", "elixir", "erl", "tar", "taskset", ...requiredCommands])];

/** Everything that stops the benchmarks from running here, as sentences; empty when all is there. */
export async function machineProblems(): Promise<string[]> {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) {
    problems.push("it must run as root: the deploy and rollout benchmarks build network namespaces and mounts (run it with sudo)");
  }
  const missing: string[] = [];
  for (const cmd of benchCommands) if ((await run("sh", ["-c", `command -v ${cmd}`])).code !== 0) missing.push(cmd);
  if (missing.length > 0) {
    const named = missing.map((c) => `${c} (Debian package ${packageOf[c] ?? c})`).join(", ");
    problems.push(`missing commands: ${named}; bin/setup-test-machine installs them`);
  }
  return problems;
}

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  os: string;
  /** os.loadavg() just before the first benchmark: 1, 5 and 15 minutes. A quiet machine is below ~0.3. */
  loadAverageBefore: number[];
  versions: Record<string, string>;
}

export async function machineFacts(): Promise<MachineFacts> {
  const first = async (cmd: string, args: string[], pattern: RegExp) => {
    const r = await run(cmd, args);
    return pattern.exec(`${r.stdout}\n${r.stderr}`)?.[1] ?? "unknown";
  };
  const pulumiSdk = (
    JSON.parse(readFileSync(join(__dirname, "..", "..", "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: os.release(),
    os: await first("sh", ["-c", '. /etc/os-release && echo "$PRETTY_NAME"'], /(.+)/),
    loadAverageBefore: os.loadavg().map((l) => Math.round(l * 100) / 100),
    versions: {
      node: process.version,
      haproxy: await first("haproxy", ["-v"], /version (\S+)/),
      wrk: await first("wrk", ["--version"], /wrk (\S+)/),
      elixir: await first("elixir", ["--version"], /Elixir (\S+)/),
      otp: await first("erl", ["-noshell", "-eval", 'io:format("~s", [erlang:system_info(otp_release)]), halt().'], /(\S+)/),
      pulumiSdk,
    },
  };
}
