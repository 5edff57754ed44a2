import { closeSync, openSync, readSync } from "node:fs";
import * as tar from "tar";
import type { Cloud } from "./clouds";
import { compareVersions, isElf, readBinary, type BinaryFacts } from "./release-elf";

/**
 * The release tarball, checked on the operator's machine before anything is created or changed: a
 * tarball the VMs cannot run would otherwise be found out by every node's deploy, one health timeout
 * after another. What is checked, and why:
 *
 * - it is a gzip tar (nodes unpack it with `tar -xzf`) and it reads to the end (a copy cut short);
 * - it is a `mix release` named `portage:app.name`: `releases/<version>/<name>.rel` and `bin/<name>`
 *   (the units run `bin/<app> start`);
 * - its version, `releases/start_erl.data` (what the release boots), is `portage:app.version`;
 * - it carries its own ERTS (`erts-*`): the VMs have no Erlang installed;
 * - that ERTS's `bin/beam.smp`, and every compiled file in `lib/<app>/priv` (NIFs, ports), runs on
 *   the VMs: an ELF file (not macOS's Mach-O), for Linux, for the VMs' CPU (e_machine), against glibc
 *   (its loader, PT_INTERP, or the libraries it needs: Alpine's musl builds do not start on Ubuntu),
 *   and needing no newer glibc than the VMs' (the newest GLIBC_x.y it needs: a build on a newer
 *   distribution fails to load with "GLIBC_2.xx not found").
 *
 * Pure apart from reading the file: `inspectRelease(path)` gathers the facts, `checkRelease(facts,
 * expected)` turns them into problems that name the key, what was found and the fix.
 */

export type Architecture = "x86_64" | "arm64";

/** The VMs' glibc: Ubuntu 24.04 LTS ships 2.39 (https://packages.ubuntu.com/noble/libc6). */
export const vmGlibc = "2.39";
const vmSystem = "Ubuntu 24.04";

export interface ReleaseFacts {
  path: string;
  /** What the file is by its first bytes; only gzip is read further. */
  format: "gzip" | "tar" | "zip" | "other" | "unreadable";
  /** Why the archive could not be read to its end (cut short, not a tar inside the gzip). */
  damaged?: string;
  /** Files directly under bin/. */
  executables: string[];
  /** Each `releases/<version>/<name>.rel`. */
  releases: { name: string; version: string }[];
  /** The release version `releases/start_erl.data` boots. */
  bootVersion?: string;
  /** `erts-<version>`, and what its `bin/beam.smp` was built for (undefined: the tarball has none). */
  erts?: { version: string; beam?: BinaryFacts };
  /** Compiled files under `lib/<app>/priv/` (NIFs, port programs). */
  natives: { path: string; facts: BinaryFacts }[];
}

export interface ExpectedRelease {
  name: string;
  version: string;
  arch: Architecture;
  /** Where `arch` comes from, for messages, e.g. `portage:fleet.size "t3.small"`. */
  archSource?: string;
  /** The newest glibc the VMs have (default: Ubuntu 24.04's). */
  glibc?: string;
}

/** Reads the tarball once (decompressed as a stream; only ELF files are kept in memory). */
export function inspectRelease(path: string): ReleaseFacts {
  const facts: ReleaseFacts = { path, format: formatOf(path), executables: [], releases: [], natives: [] };
  if (facts.format !== "gzip") return facts;
  const kept = new Map<string, Buffer[]>();
  try {
    tar.t({
      file: path,
      sync: true,
      strict: true,
      onReadEntry: (entry) => {
        const name = entry.path.replace(/^\.\//, "");
        const wanted = readEntry(name, entry.type, facts);
        if (!wanted) return;
        const chunks: Buffer[] = [];
        kept.set(name, chunks);
        let size = 0;
        entry.on("data", (chunk: Buffer) => {
          // Keep a priv/ file only once its first bytes say ELF; never more than a large NIF's size.
          if (wanted === "if-elf" && size === 0 && !isElf(chunk)) kept.delete(name);
          if (!kept.has(name) || size > maxKept) return;
          chunks.push(chunk);
          size += chunk.length;
        });
      },
    });
  } catch (error) {
    facts.damaged = damage(error);
    return facts;
  }
  for (const [name, chunks] of kept) {
    const bytes = Buffer.concat(chunks);
    if (name === "releases/start_erl.data") facts.bootVersion = bytes.toString("utf8").trim().split(/\s+/)[1];
    else if (facts.erts && name === `erts-${facts.erts.version}/bin/beam.smp`) facts.erts.beam = readBinary(bytes);
    else facts.natives.push({ path: name, facts: readBinary(bytes) });
  }
  return facts;
}

const maxKept = 256 * 1024 * 1024;

/** Records what an entry's name says; returns whether its content is needed. */
function readEntry(name: string, type: string, facts: ReleaseFacts): "all" | "if-elf" | undefined {
  const bin = /^bin\/([^/]+)$/.exec(name);
  if (bin?.[1] && type !== "Directory") facts.executables.push(bin[1]);
  const rel = /^releases\/([^/]+)\/([^/]+)\.rel$/.exec(name);
  if (rel?.[1] && rel[2]) facts.releases.push({ version: rel[1], name: rel[2] });
  if (name === "releases/start_erl.data") return "all";
  const erts = /^erts-([^/]+)\//.exec(name);
  if (erts?.[1] && !facts.erts) facts.erts = { version: erts[1] };
  if (erts && name === `erts-${erts[1]}/bin/beam.smp`) return "all";
  if (/^lib\/[^/]+\/priv\/.+/.test(name) && type === "File") return "if-elf";
  return undefined;
}

function formatOf(path: string): ReleaseFacts["format"] {
  const head = Buffer.alloc(512);
  let read = 0;
  try {
    const fd = openSync(path, "r");
    try {
      read = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return "unreadable";
  }
  if (read >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (read >= 262 && head.toString("latin1", 257, 262) === "ustar") return "tar";
  if (read >= 4 && head.readUInt32BE(0) === 0x504b0304) return "zip";
  return "other";
}

function damage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/unexpected end of file|truncated/i.test(message))
    return "it ends early: the file was cut short (an interrupted build, copy or download)";
  if (/checksum failure|unrecognized archive format|invalid/i.test(message)) return "it is gzip-compressed but not a tar archive inside";
  return `it cannot be read to the end (${message})`;
}

/** Every way the tarball does not fit the stack; empty when it does. */
export function checkRelease(facts: ReleaseFacts, expected: ExpectedRelease): string[] {
  const at = `portage:app.release: ${JSON.stringify(facts.path)}`;
  const build = "build it with `MIX_ENV=prod mix release` (steps: [:assemble, :tar]) and give the .tar.gz it writes";
  switch (facts.format) {
    case "unreadable":
      return [`${at} cannot be read`];
    case "tar":
      return [`${at} is a tar archive without gzip compression; the nodes unpack a .tar.gz: ${build}`];
    case "zip":
      return [`${at} is a zip file, not a gzip tar: ${build}`];
    case "other":
      return [`${at} is not a gzip file: ${build}`];
  }
  if (facts.damaged) return [`${at} is damaged: ${facts.damaged}; build or copy it again`];
  if (facts.releases.length === 0 || !facts.bootVersion) {
    return [`${at} is not a mix release (no releases/<version>/<name>.rel and releases/start_erl.data): ${build}`];
  }

  const problems: string[] = [];
  const names = [...new Set(facts.releases.map((r) => r.name))];
  if (!names.includes(expected.name)) {
    problems.push(
      `${at} is the release ${names.map((n) => JSON.stringify(n)).join(", ")}, but portage:app.name is ${JSON.stringify(expected.name)}; ` +
        `set portage:app.name to the name in mix.exs releases: (${names[0]}), or ship the ${expected.name} release`,
    );
  } else if (!facts.executables.includes(expected.name)) {
    problems.push(`${at} has no bin/${expected.name}, which the nodes start: ${build}`);
  }
  if (facts.bootVersion !== expected.version) {
    problems.push(
      `${at} is version ${facts.bootVersion} (releases/start_erl.data), but portage:app.version is ${JSON.stringify(expected.version)}; ` +
        `set portage:app.version to ${facts.bootVersion}, or ship the ${expected.version} tarball`,
    );
  }
  if (!facts.erts) {
    problems.push(
      `${at} carries no Erlang runtime (erts-*), and the VMs have none installed: build it with include_erts: true (mix's default)`,
    );
  } else if (!facts.erts.beam) {
    problems.push(`${at} has erts-${facts.erts.version} without bin/beam.smp: ${build}`);
  } else {
    problems.push(...binaryProblems(`${at}: its Erlang runtime (erts-${facts.erts.version}/bin/beam.smp)`, facts.erts.beam, expected));
  }
  const natives = facts.natives.flatMap((n) => binaryProblems(`${at}: ${n.path}`, n.facts, expected));
  problems.push(...natives.slice(0, 3));
  if (natives.length > 3) problems.push(`${at}: ${natives.length - 3} more compiled files in lib/*/priv have the same kind of problem`);
  return problems;
}

/** Libraries of older systems that Ubuntu 24.04 no longer ships (it has OpenSSL 3 and ncurses 6). */
const notOnVms: Record<string, string> = {
  "libcrypto.so.1.1": "OpenSSL 1.1",
  "libssl.so.1.1": "OpenSSL 1.1",
  "libcrypto.so.1.0.0": "OpenSSL 1.0",
  "libssl.so.1.0.0": "OpenSSL 1.0",
  "libtinfo.so.5": "ncurses 5",
  "libncurses.so.5": "ncurses 5",
};

const elfMachine: Record<Architecture, string> = { x86_64: "x86_64", arm64: "aarch64" };
const containerPlatform: Record<Architecture, string> = { x86_64: "linux/amd64", arm64: "linux/arm64" };

function binaryProblems(what: string, facts: BinaryFacts, expected: ExpectedRelease): string[] {
  const source = expected.archSource ?? "the VMs";
  const inLinux = `build the release on Linux, e.g. in a ${containerPlatform[expected.arch]} container (README: Shipping a release)`;
  if (facts.format === "mach-o") return [`${what} is built for macOS, but the VMs run Linux (${vmSystem}): ${inLinux}`];
  if (facts.format === "pe") return [`${what} is built for Windows, but the VMs run Linux (${vmSystem}): ${inLinux}`];
  if (facts.format !== "elf") return [`${what} is not a program the VMs can run: ${inLinux}`];
  if (facts.os) return [`${what} is built for ${facts.os}, but the VMs run Linux (${vmSystem}): ${inLinux}`];

  const problems: string[] = [];
  if (facts.machine !== elfMachine[expected.arch]) {
    problems.push(
      `${what} is built for ${facts.machine}, but ${source} ${source === "the VMs" ? "are" : "is"} ${expected.arch}; ` +
        `build it on an ${expected.arch} machine or in a ${containerPlatform[expected.arch]} container`,
    );
  }
  if (facts.libc === "musl") {
    problems.push(
      `${what} is built against musl (${facts.interpreter ?? "libc.musl"}: an Alpine image?), but the VMs run ${vmSystem} with glibc; ` +
        `build it in a Debian or Ubuntu image, e.g. hexpm/elixir:<elixir>-erlang-<otp>-ubuntu-noble-<date>`,
    );
  }
  const missing = facts.needed.filter((lib) => lib in notOnVms);
  if (missing.length > 0) {
    problems.push(
      `${what} needs ${missing.map((lib) => `${lib} (${notOnVms[lib]})`).join(", ")}, which ${vmSystem} does not have; ` +
        `build it on ${vmSystem}, Debian 12 or Ubuntu 22.04`,
    );
  }
  const glibc = expected.glibc ?? vmGlibc;
  if (facts.glibcNeeded && compareVersions(facts.glibcNeeded.split(".").map(Number), glibc.split(".").map(Number)) > 0) {
    problems.push(
      `${what} needs glibc ${facts.glibcNeeded} (it was built on a newer system), but the VMs run ${vmSystem} with glibc ${glibc}; ` +
        `build it on ${vmSystem} or older (Debian 12, Ubuntu 22.04)`,
    );
  }
  return problems;
}

/**
 * The CPU a VM type has. AWS marks Graviton (arm64) families with a "g" among the letters after the
 * generation (m7g, c7gn, t4g, x2gd, im4gn; a1 is the first Graviton):
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html. GCP's Arm machine
 * series are T2A, C4A and N4A: https://cloud.google.com/compute/docs/instances/arm-on-compute.
 */
export function machineArchitecture(provider: Cloud, type: string): Architecture {
  return architectureOf[provider](type) ? "arm64" : "x86_64";
}

const architectureOf: Record<Cloud, (type: string) => boolean> = {
  aws: (type) => {
    const family = type.split(".")[0] ?? "";
    return family === "a1" || (/^[a-z]+\d+([a-z-]*)$/.exec(family)?.[1] ?? "").includes("g");
  },
  gcp: (type) => ["t2a", "c4a", "n4a"].includes(type.split("-")[0] ?? ""),
};
