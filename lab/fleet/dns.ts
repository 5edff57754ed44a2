import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "./run";

/**
 * The private DNS zone of the fleet (what Route53 / Cloud DNS give a real stack): dnsmasq from Debian,
 * bound to the bridge address only, answering from a hosts file and nothing else (no upstream).
 * A name with several addresses (the cluster name) gets one A record per address.
 */
export interface Dns {
  address: string;
  stop(): Promise<void>;
}

export async function startDns(opts: { address: string; zone: string; dir: string; records: Record<string, string[]> }): Promise<Dns> {
  const hostsFile = join(opts.dir, "dns-hosts");
  const pidFile = join(opts.dir, "dnsmasq.pid");
  await stopLeftoverDns(opts.dir);
  writeHosts(hostsFile, opts.records);
  const child: ChildProcess = spawn(
    "dnsmasq",
    [
      "--keep-in-foreground",
      "--conf-file=/dev/null",
      "--no-resolv",
      "--no-hosts",
      `--addn-hosts=${hostsFile}`,
      `--local=/${opts.zone}/`,
      `--listen-address=${opts.address}`,
      "--bind-interfaces",
      "--local-ttl=1",
      `--pid-file=${pidFile}`,
      "--user=root",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const firstName = Object.keys(opts.records)[0] ?? `nothing.${opts.zone}`;
  await waitFor(
    `dnsmasq on ${opts.address}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`dnsmasq exited ${child.exitCode}: ${stderr.trim()}`);
      return (await lookup(opts.address, firstName)).length > 0 ? true : undefined;
    },
    10_000,
  );
  return {
    address: opts.address,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
    },
  };
}

/** A's for `name` from the server at `address` (dig is not installed: a tiny UDP query). */
export async function lookup(address: string, name: string): Promise<string[]> {
  const { createSocket } = await import("node:dgram");
  const labels = name.split(".").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const query = Buffer.concat([Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])]);
  const socket = createSocket("udp4");
  try {
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no DNS answer")), 1000);
      socket.once("message", (msg) => (clearTimeout(timer), resolve(msg)));
      socket.send(query, 53, address);
    });
    return parseARecords(answer, query.length);
  } finally {
    socket.close();
  }
}

function parseARecords(msg: Buffer, questionEnd: number): string[] {
  const count = msg.readUInt16BE(6);
  const out: string[] = [];
  let at = questionEnd;
  for (let i = 0; i < count; i++) {
    at = skipName(msg, at);
    const type = msg.readUInt16BE(at);
    const length = msg.readUInt16BE(at + 8);
    if (type === 1 && length === 4) out.push([...msg.subarray(at + 10, at + 14)].join("."));
    at += 10 + length;
  }
  return out;
}

/** Past a (possibly compressed) domain name. */
function skipName(msg: Buffer, at: number): number {
  for (;;) {
    const len = msg[at] ?? 0;
    if ((len & 0xc0) === 0xc0) return at + 2;
    if (len === 0) return at + 1;
    at += 1 + len;
  }
}

function writeHosts(file: string, records: Record<string, string[]>): void {
  const lines = Object.entries(records).flatMap(([name, addresses]) => addresses.map((a) => `${a} ${name}`));
  writeFileSync(file, `${lines.join("\n")}\n`);
}

/** A dnsmasq left by a crashed run of the same fleet (found by its pid file, checked by its command line). */
async function stopLeftoverDns(dir: string): Promise<void> {
  const pidFile = join(dir, "dnsmasq.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (cmdline.includes(pidFile)) process.kill(pid, "SIGKILL");
  } catch {
    /* not running */
  }
}
