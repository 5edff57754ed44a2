import { spawn } from "node:child_process";
import { mkdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { must, run, waitFor, type RunOptions, type RunResult } from "./run";

/**
 * A host of the local fleet: a network namespace (its address on the bridge) plus a mount and UTS
 * namespace of its own, kept alive by a holder process (`sleep infinity`) and entered with nsenter.
 * The directories a VM's software writes to are overlays on the machine's own: the host sees the
 * machine's files (haproxy, /usr/bin/node, ...) and keeps its own changes private, as if it were a
 * separate VM with the same packages installed. Everything else (/usr, /tmp) is shared.
 */
export interface Host {
  name: string;
  address: string;
  netns: string;
  /** The holder process: `nsenter -t <pid>` enters the host. */
  pid: number;
  /** Where the overlays' private layers live on the machine. */
  dir: string;
}

/** What the host writes privately. /run is an overlay too: a fresh VM has its own runtime state. */
export const privateDirs = ["/etc", "/opt", "/var", "/usr/local", "/home", "/root", "/run", "/srv"];

/** The environment of a command run on a host, like `sudo` gives it: a clean root login. */
export const hostPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export async function createHost(spec: { name: string; address: string; netns: string; dir: string; dnsServer: string }): Promise<Host> {
  const holder = spawn(
    "ip",
    ["netns", "exec", spec.netns, "unshare", "--mount", "--uts", "--propagation", "private", "sleep", "infinity"],
    {
      detached: true,
      stdio: "ignore",
    },
  );
  holder.unref();
  const pid = holder.pid;
  if (pid === undefined) throw new Error(`could not start the holder of ${spec.name}`);
  const ownMountNs = readlinkSync("/proc/self/ns/mnt");
  // Ready once unshare has exec'd sleep: its mount namespace is no longer ours.
  await waitFor(
    `the holder of ${spec.name}`,
    async () => (readlinkSync(`/proc/${pid}/ns/mnt`) !== ownMountNs ? true : undefined),
    10_000,
    20,
  );
  await waitFor(
    `the holder of ${spec.name} to run sleep`,
    async () => ((await run("cat", [`/proc/${pid}/comm`])).stdout.trim() === "sleep" ? true : undefined),
    10_000,
    20,
  );

  const host: Host = { name: spec.name, address: spec.address, netns: spec.netns, pid, dir: spec.dir };
  for (const dir of privateDirs) {
    const layer = join(spec.dir, "overlay", dir.slice(1).replace(/\//g, "_"));
    mkdirSync(join(layer, "upper"), { recursive: true });
    mkdirSync(join(layer, "work"), { recursive: true });
    await must("nsenter", [
      "-t",
      String(pid),
      "-m",
      "mount",
      "-t",
      "overlay",
      "overlay",
      "-o",
      `lowerdir=${dir},upperdir=${layer}/upper,workdir=${layer}/work`,
      dir,
    ]);
  }
  await must("nsenter", ["-t", String(pid), "-u", "hostname", spec.name]);
  await writeFile(host, "/etc/hostname", `${spec.name}\n`);
  await writeFile(host, "/etc/hosts", `127.0.0.1 localhost\n${spec.address} ${spec.name}\n`);
  await exec(host, "rm", ["-f", "/etc/resolv.conf"]);
  await writeFile(host, "/etc/resolv.conf", `nameserver ${spec.dnsServer}\n`);
  return host;
}

/** Runs a command on the host as root, with a clean environment (plus `opts.env`). */
export function exec(host: Host, cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const env = { PATH: hostPath, HOME: "/root", USER: "root", LOGNAME: "root", SHELL: "/bin/bash", LANG: "C.UTF-8", ...(opts.env ?? {}) };
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v ?? ""}`);
  return run("nsenter", ["-t", String(host.pid), "-n", "-m", "-u", "--wd=/", "--", "env", "-i", ...envArgs, cmd, ...args], {
    ...opts,
    env: process.env,
  });
}

/** Like exec, but a non-zero exit is an error with the command's stderr. */
export async function execOk(host: Host, cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await exec(host, cmd, args, opts);
  if (r.code !== 0) throw new Error(`${host.name}: ${[cmd, ...args].join(" ")} exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Writes a file on the host (parents created), through the host's own view of its paths. */
export async function writeFile(host: Host, path: string, content: string, mode = 0o644): Promise<void> {
  const script = 'mkdir -p "$(dirname "$1")" && cat > "$1" && chmod "$2" "$1"';
  await execOk(host, "sh", ["-c", script, "sh", path, mode.toString(8)], { input: content });
}

export async function readFile(host: Host, path: string): Promise<string> {
  return execOk(host, "cat", [path]);
}

/** A path on the machine that reaches the same file as `path` on the host (e.g. a unix socket). */
export function pathOnMachine(host: Host, path: string): string {
  return `/proc/${host.pid}/root${path}`;
}

/** Until a oneshot unit (a boot script) is no longer activating; throws with `details()` unless it ended active. */
export async function waitForUnit(host: Host, unit: string, details: () => string = () => "", everyMs = 250): Promise<void> {
  const state = await waitFor(
    `${host.name}: ${unit} to finish`,
    async () => {
      const s = (await exec(host, "systemctl", ["is-active", unit])).stdout.trim();
      return s === "activating" ? undefined : s;
    },
    300_000,
    everyMs,
  );
  if (state !== "active") throw new Error(`${host.name}: ${unit} is ${state}\n${details()}`);
}
