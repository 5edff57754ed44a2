/**
 * What a compiled file in a release was built for, read from its header: the operator's machine may
 * be a Mac, an ARM laptop or an Alpine container, and a release built there carries an Erlang runtime
 * (and NIFs) that cannot start on the VMs. Pure: bytes in, facts out.
 *
 * ELF layout: the System V gABI (https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html,
 * ch5.pheader.html) and the GNU symbol-versioning sections of the LSB
 * (https://refspecs.linuxfoundation.org/LSB_5.0.0/LSB-Core-generic/LSB-Core-generic/symversion.html).
 */

export interface BinaryFacts {
  /** elf: a Unix executable or library; mach-o: macOS; pe: Windows. */
  format: "elf" | "mach-o" | "pe" | "other";
  /** uname's name of the CPU (x86_64, aarch64, ...) from e_machine; undefined when not ELF. */
  machine?: string;
  /** The ELF OS/ABI byte, when it names another system than Linux (FreeBSD, ...). */
  os?: string;
  /** PT_INTERP: the dynamic loader the kernel starts the program with; absent in libraries and static programs. */
  interpreter?: string;
  /**
   * The C library it links against: from the loader's name (ld-linux-* is glibc, ld-musl-* is musl),
   * else from the libraries it needs (DT_NEEDED libc.so.6 / libc.musl-*); static: neither.
   */
  libc?: "glibc" | "musl" | "static" | "unknown";
  /** DT_NEEDED: the shared libraries it loads (libcrypto.so.3, libtinfo.so.6, ...). */
  needed: string[];
  /** The newest GLIBC_x.y symbol version it needs (.gnu.version_r): the oldest glibc it runs on. */
  glibcNeeded?: string;
}

/** e_machine values (gABI ch4, "e_machine"), named as `uname -m` names the CPU. */
const machines: Record<number, string> = {
  3: "i386",
  8: "mips",
  20: "ppc",
  21: "ppc64",
  22: "s390x",
  40: "arm",
  62: "x86_64",
  183: "aarch64",
  243: "riscv64",
  258: "loongarch64",
};

/** EI_OSABI values other than none (0) and GNU/Linux (3), which both mean Linux in practice. */
const osAbis: Record<number, string> = { 1: "HP-UX", 2: "NetBSD", 6: "Solaris", 9: "FreeBSD", 12: "OpenBSD" };

const PT_INTERP = 3;
const PT_DYNAMIC = 2;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const SHT_GNU_VERNEED = 0x6ffffffe;

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

export function readBinary(bytes: Buffer): BinaryFacts {
  if (!isElf(bytes)) return { format: formatOf(bytes), needed: [] };
  const elf = new ElfReader(bytes);
  const needed = elf.neededLibraries();
  const facts: BinaryFacts = { format: "elf", machine: machines[elf.machine] ?? `machine 0x${elf.machine.toString(16)}`, needed };
  const os = osAbis[bytes[7] ?? 0];
  if (os) facts.os = os;
  const interpreter = elf.interpreter();
  if (interpreter) facts.interpreter = interpreter;
  facts.libc = libcOf(interpreter, needed);
  const glibc = newestVersion(elf.versionsNeeded().filter((v) => /^GLIBC_\d+(\.\d+)*$/.test(v)));
  if (glibc) facts.glibcNeeded = glibc.replace("GLIBC_", "");
  return facts;
}

function formatOf(bytes: Buffer): BinaryFacts["format"] {
  if (bytes.length >= 4) {
    const magic = bytes.readUInt32BE(0);
    // MH_MAGIC(_64) in either byte order, and FAT_MAGIC (a universal binary).
    if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return "mach-o";
  }
  if (bytes.length >= 2 && bytes[0] === 0x4d && bytes[1] === 0x5a) return "pe";
  return "other";
}

function libcOf(interpreter: string | undefined, needed: string[]): BinaryFacts["libc"] {
  const names = [interpreter ?? "", ...needed].join(" ");
  if (/ld-musl-|libc\.musl-/.test(names)) return "musl";
  if (/ld-linux|libc\.so\.6/.test(names)) return "glibc";
  if (!interpreter && needed.length === 0) return "static";
  return "unknown";
}

/** "GLIBC_2.34" > "GLIBC_2.4": compared number by number. */
function newestVersion(versions: string[]): string | undefined {
  const parts = (v: string) => v.replace(/^\D+/, "").split(".").map(Number);
  return versions.reduce<string | undefined>(
    (best, v) => (best === undefined || compareVersions(parts(v), parts(best)) > 0 ? v : best),
    undefined,
  );
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Reads the parts of an ELF file the checks need, for 32/64-bit and either byte order; out-of-range reads give nothing. */
class ElfReader {
  private readonly is64: boolean;
  private readonly little: boolean;

  constructor(private readonly bytes: Buffer) {
    this.is64 = bytes[4] === 2;
    this.little = bytes[5] !== 2;
  }

  get machine(): number {
    return this.u16(18) ?? 0;
  }

  interpreter(): string | undefined {
    const header = this.programHeaders().find((p) => p.type === PT_INTERP);
    return header ? this.cString(header.offset) : undefined;
  }

  /** DT_NEEDED entries of the dynamic segment, names read from its DT_STRTAB (mapped back to a file offset). */
  neededLibraries(): string[] {
    const headers = this.programHeaders();
    const dynamic = headers.find((p) => p.type === PT_DYNAMIC);
    if (!dynamic) return [];
    const size = this.is64 ? 16 : 8;
    const entries: { tag: number; value: number }[] = [];
    for (let at = dynamic.offset; at + size <= dynamic.offset + dynamic.size; at += size) {
      const tag = this.word(at);
      const value = this.word(at + size / 2);
      if (tag === undefined || value === undefined || tag === 0) break;
      entries.push({ tag, value });
    }
    const strtab = entries.find((e) => e.tag === DT_STRTAB)?.value;
    const load = headers.find((p) => p.type === 1 && strtab !== undefined && strtab >= p.vaddr && strtab < p.vaddr + p.size);
    if (strtab === undefined || !load) return [];
    const base = strtab - load.vaddr + load.offset;
    return entries.filter((e) => e.tag === DT_NEEDED).flatMap((e) => this.cString(base + e.value) ?? []);
  }

  /** Every version name in .gnu.version_r (SHT_GNU_verneed): what the file needs of each library. */
  versionsNeeded(): string[] {
    const sections = this.sectionHeaders();
    const verneed = sections.find((s) => s.type === SHT_GNU_VERNEED);
    const strings = verneed ? sections[verneed.link] : undefined;
    if (!verneed || !strings) return [];
    const names: string[] = [];
    let at = verneed.offset;
    for (let i = 0; i < verneed.info && at > 0; i++) {
      const count = this.u16(at + 2) ?? 0;
      let aux = at + (this.u32(at + 8) ?? 0);
      for (let j = 0; j < count; j++) {
        const name = this.cString(strings.offset + (this.u32(aux + 8) ?? 0));
        if (name) names.push(name);
        const next = this.u32(aux + 12) ?? 0;
        if (next === 0) break;
        aux += next;
      }
      const next = this.u32(at + 12) ?? 0;
      if (next === 0) break;
      at += next;
    }
    return names;
  }

  private programHeaders(): { type: number; offset: number; vaddr: number; size: number }[] {
    const [phoff, entsize, count] = this.is64 ? [this.u64(32), this.u16(54), this.u16(56)] : [this.u32(28), this.u16(42), this.u16(44)];
    if (!phoff || !entsize || !count) return [];
    return Array.from({ length: count }, (_, i) => {
      const at = phoff + i * entsize;
      return this.is64
        ? { type: this.u32(at) ?? 0, offset: this.u64(at + 8) ?? 0, vaddr: this.u64(at + 16) ?? 0, size: this.u64(at + 32) ?? 0 }
        : { type: this.u32(at) ?? 0, offset: this.u32(at + 4) ?? 0, vaddr: this.u32(at + 8) ?? 0, size: this.u32(at + 16) ?? 0 };
    });
  }

  private sectionHeaders(): { type: number; offset: number; link: number; info: number }[] {
    const [shoff, entsize, count] = this.is64 ? [this.u64(40), this.u16(58), this.u16(60)] : [this.u32(32), this.u16(46), this.u16(48)];
    if (!shoff || !entsize || !count || shoff + entsize * count > this.bytes.length) return [];
    return Array.from({ length: count }, (_, i) => {
      const at = shoff + i * entsize;
      return this.is64
        ? { type: this.u32(at + 4) ?? 0, offset: this.u64(at + 24) ?? 0, link: this.u32(at + 40) ?? 0, info: this.u32(at + 44) ?? 0 }
        : { type: this.u32(at + 4) ?? 0, offset: this.u32(at + 16) ?? 0, link: this.u32(at + 24) ?? 0, info: this.u32(at + 28) ?? 0 };
    });
  }

  private word(at: number): number | undefined {
    return this.is64 ? this.u64(at) : this.u32(at);
  }

  private u16(at: number): number | undefined {
    if (at < 0 || at + 2 > this.bytes.length) return undefined;
    return this.little ? this.bytes.readUInt16LE(at) : this.bytes.readUInt16BE(at);
  }

  private u32(at: number): number | undefined {
    if (at < 0 || at + 4 > this.bytes.length) return undefined;
    return this.little ? this.bytes.readUInt32LE(at) : this.bytes.readUInt32BE(at);
  }

  private u64(at: number): number | undefined {
    if (at < 0 || at + 8 > this.bytes.length) return undefined;
    const value = this.little ? this.bytes.readBigUInt64LE(at) : this.bytes.readBigUInt64BE(at);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(value);
  }

  private cString(at: number): string | undefined {
    if (at < 0 || at >= this.bytes.length) return undefined;
    const end = this.bytes.indexOf(0, at);
    if (end < 0) return undefined;
    return this.bytes.toString("latin1", at, end);
  }
}
