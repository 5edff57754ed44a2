import { existsSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as tar from "tar";

/**
 * Small ELF64 little-endian files with the headers a real build has (e_machine, OS/ABI, PT_INTERP,
 * a dynamic segment with DT_NEEDED, .gnu.version_r): what the release checks read, for CPUs and
 * C libraries this machine cannot build for. And release tarballs laid out like `mix release`'s,
 * for the offline runs (the placeholder release) and the release checks' tests.
 */
export interface TestElf {
  machine: "x86_64" | "aarch64" | "riscv64";
  interpreter?: string;
  needed?: string[];
  /** GLIBC_x.y versions it needs from libc.so.6. */
  glibc?: string[];
  osAbi?: number;
}

const machineCodes = { x86_64: 62, aarch64: 183, riscv64: 243 };

export function elfFile(spec: TestElf): Buffer {
  const needed = spec.needed ?? [];
  const versions = (spec.glibc ?? []).map((v) => `GLIBC_${v}`);
  // The string table: "\0", then every name, each NUL-terminated.
  const names = [...needed, ...(versions.length > 0 ? ["libc.so.6"] : []), ...versions];
  const offsets = new Map<string, number>();
  let strtab = "\0";
  for (const n of names) {
    if (!offsets.has(n)) offsets.set(n, strtab.length);
    strtab += `${n}\0`;
  }

  const phnum = 1 + (spec.interpreter ? 1 : 0) + (needed.length > 0 ? 1 : 0);
  const align = (n: number) => Math.ceil(n / 8) * 8;
  const at = { ph: 64, strtab: 64 + phnum * 56 } as Record<string, number>;
  at.interp = align((at.strtab ?? 0) + strtab.length);
  at.dynamic = align((at.interp ?? 0) + (spec.interpreter ? spec.interpreter.length + 1 : 0));
  at.verneed = align((at.dynamic ?? 0) + (needed.length > 0 ? (needed.length + 2) * 16 : 0));
  at.sections = align((at.verneed ?? 0) + (versions.length > 0 ? 16 + versions.length * 16 : 0));
  const shnum = versions.length > 0 ? 3 : 0;
  const buf = Buffer.alloc((at.sections ?? 0) + shnum * 64);

  buf.write("\x7fELF", 0, "latin1");
  buf[4] = 2; // ELFCLASS64
  buf[5] = 1; // little-endian
  buf[6] = 1;
  buf[7] = spec.osAbi ?? 0;
  buf.writeUInt16LE(3, 16); // ET_DYN
  buf.writeUInt16LE(machineCodes[spec.machine], 18);
  buf.writeUInt32LE(1, 20);
  buf.writeBigUInt64LE(64n, 32); // e_phoff
  buf.writeBigUInt64LE(BigInt(shnum > 0 ? (at.sections ?? 0) : 0), 40);
  buf.writeUInt16LE(64, 52);
  buf.writeUInt16LE(56, 54);
  buf.writeUInt16LE(phnum, 56);
  buf.writeUInt16LE(64, 58);
  buf.writeUInt16LE(shnum, 60);

  let ph = at.ph ?? 64;
  const programHeader = (type: number, offset: number, size: number) => {
    buf.writeUInt32LE(type, ph);
    buf.writeBigUInt64LE(BigInt(offset), ph + 8); // p_offset
    buf.writeBigUInt64LE(BigInt(offset), ph + 16); // p_vaddr: mapped at its file offset
    buf.writeBigUInt64LE(BigInt(size), ph + 32); // p_filesz
    ph += 56;
  };
  programHeader(1, 0, buf.length); // PT_LOAD of the whole file
  if (spec.interpreter) {
    buf.write(`${spec.interpreter}\0`, at.interp ?? 0, "latin1");
    programHeader(3, at.interp ?? 0, spec.interpreter.length + 1);
  }
  buf.write(strtab, at.strtab ?? 0, "latin1");
  if (needed.length > 0) {
    let d = at.dynamic ?? 0;
    for (const n of needed) {
      buf.writeBigUInt64LE(1n, d); // DT_NEEDED
      buf.writeBigUInt64LE(BigInt(offsets.get(n) ?? 0), d + 8);
      d += 16;
    }
    buf.writeBigUInt64LE(5n, d); // DT_STRTAB
    buf.writeBigUInt64LE(BigInt(at.strtab ?? 0), d + 8);
    programHeader(2, at.dynamic ?? 0, (needed.length + 2) * 16);
  }
  if (versions.length > 0) {
    const v = at.verneed ?? 0;
    buf.writeUInt16LE(1, v); // vn_version
    buf.writeUInt16LE(versions.length, v + 2);
    buf.writeUInt32LE(offsets.get("libc.so.6") ?? 0, v + 4);
    buf.writeUInt32LE(16, v + 8); // vn_aux
    versions.forEach((name, i) => {
      const a = v + 16 + i * 16;
      buf.writeUInt32LE(offsets.get(name) ?? 0, a + 8); // vna_name
      buf.writeUInt32LE(i === versions.length - 1 ? 0 : 16, a + 12); // vna_next
    });
    const section = (index: number, type: number, offset: number, size: number, link: number, info: number) => {
      const s = (at.sections ?? 0) + index * 64;
      buf.writeUInt32LE(type, s + 4);
      buf.writeBigUInt64LE(BigInt(offset), s + 24);
      buf.writeBigUInt64LE(BigInt(size), s + 32);
      buf.writeUInt32LE(link, s + 40);
      buf.writeUInt32LE(info, s + 44);
    };
    section(1, 3, at.strtab ?? 0, strtab.length, 0, 0); // .dynstr
    section(2, 0x6ffffffe, v, 16 + versions.length * 16, 1, 1); // .gnu.version_r -> .dynstr
  }
  return buf;
}

/** beam.smp as Erlang/OTP builds it on Debian or Ubuntu for `machine`. */
export function glibcBeam(machine: TestElf["machine"] = "x86_64", glibc = ["2.2.5", "2.34"]): Buffer {
  const loader = {
    x86_64: "/lib64/ld-linux-x86-64.so.2",
    aarch64: "/lib/ld-linux-aarch64.so.1",
    riscv64: "/lib/ld-linux-riscv64-lp64d.so.1",
  };
  return elfFile({ machine, interpreter: loader[machine], needed: ["libtinfo.so.6", "libm.so.6", "libc.so.6"], glibc });
}

export interface TestRelease {
  name?: string;
  version?: string;
  /** The erts directory's beam.smp; null leaves the runtime out (include_erts: false). */
  beam?: Buffer | null;
  /** Extra files: path in the tarball -> content. */
  files?: Record<string, string | Buffer>;
  /** Leave out bin/<name>. */
  noBin?: boolean;
}

/** Writes a release tree under `scratch` the way `mix release` lays it out and packs it as a .tar.gz; returns its path. */
export function releaseTarball(scratch: string, release: TestRelease = {}): string {
  const name = release.name ?? "hello";
  const version = release.version ?? "0.1.0";
  const tree = mkdtempSync(join(scratch, "release-"));
  const files: Record<string, string | Buffer> = {
    ...(release.noBin ? {} : { [`bin/${name}`]: "#!/bin/sh\n" }),
    [`releases/${version}/${name}.rel`]: `{release,{"${name}","${version}"},{erts,"14.2"},[]}.\n`,
    [`releases/${version}/vm.args`]: "-sname x\n",
    "releases/start_erl.data": `14.2 ${version}\n`,
    "releases/COOKIE": "cookie",
    [`lib/${name}-${version}/ebin/${name}.app`]: "{application,hello,[]}.\n",
    ...(release.beam === null ? {} : { "erts-14.2/bin/beam.smp": release.beam ?? glibcBeam() }),
    ...release.files,
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), content);
  }
  const tarball = join(tree, `${name}-${version}.tar.gz`);
  tar.c({ gzip: true, file: tarball, cwd: tree, sync: true, portable: true, mtime: new Date(0) }, Object.keys(files));
  return tarball;
}

/** The CPU names of the release check and of ELF's e_machine. */
const elfMachine = { x86_64: "x86_64", arm64: "aarch64" } as const;

/**
 * A release for offline runs whose name, version and CPU match the config, made once per machine in
 * the temporary directory: what `npm run plan` and the graph tests ship when no real tarball is given.
 */
export function placeholderReleaseFor(release: { name?: string; version?: string; arch?: keyof typeof elfMachine } = {}): string {
  const { name = "hello", version = "0.1.0", arch = "x86_64" } = release;
  const dir = join(tmpdir(), "portage-placeholders", `${name}-${version}-${arch}`);
  const path = join(dir, `${name}-${version}.tar.gz`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const built = releaseTarball(dir, { name, version, beam: glibcBeam(elfMachine[arch]) });
  // Another run may have made it meanwhile: the rename is atomic, the content the same.
  renameSync(built, path);
  return path;
}
