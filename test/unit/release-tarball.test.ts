import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tar from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { readBinary } from "../../components/config/release-elf";
import { checkRelease, inspectRelease, machineArchitecture, type ExpectedRelease } from "../../components/config/release-tarball";
import { elfFile, glibcBeam, releaseTarball } from "../support/elf";

const scratch = mkdtempSync(join(tmpdir(), "portage-release-check-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const x86: ExpectedRelease = { name: "hello", version: "0.1.0", arch: "x86_64", archSource: 'portage:fleet.size "t3.small"' };
const problemsOf = (path: string, expected: ExpectedRelease = x86) => checkRelease(inspectRelease(path), expected);

describe("the release tarball checked on the operator's machine", () => {
  it("accepts a gzip mix release named app.name, of app.version, with an x86_64 glibc ERTS, and reads its facts", () => {
    const path = releaseTarball(scratch);
    const facts = inspectRelease(path);
    expect(facts).toMatchObject({
      format: "gzip",
      executables: ["hello"],
      releases: [{ name: "hello", version: "0.1.0" }],
      bootVersion: "0.1.0",
      erts: { version: "14.2", beam: { format: "elf", machine: "x86_64", libc: "glibc", glibcNeeded: "2.34" } },
    });
    expect(checkRelease(facts, x86)).toEqual([]);
  });

  it("refuses a release of another name, naming both keys and the name it found", () => {
    expect(problemsOf(releaseTarball(scratch, { name: "my_app" }))).toEqual([
      expect.stringMatching(
        /^portage:app\.release: ".*my_app-0\.1\.0\.tar\.gz" is the release "my_app", but portage:app\.name is "hello"; set portage:app\.name/,
      ),
    ]);
  });

  it("refuses a release without bin/<app>, which the nodes' units start", () => {
    expect(problemsOf(releaseTarball(scratch, { noBin: true }))).toEqual([
      expect.stringContaining("has no bin/hello, which the nodes start"),
    ]);
  });

  it("refuses a release of another version, saying which one it is", () => {
    expect(problemsOf(releaseTarball(scratch, { version: "0.2.0" }))).toEqual([
      expect.stringMatching(
        /is version 0\.2\.0 \(releases\/start_erl\.data\), but portage:app\.version is "0\.1\.0"; set portage:app\.version to 0\.2\.0/,
      ),
    ]);
  });

  it("refuses a file that is not gzip: a plain tar, a zip, a text file", () => {
    const tree = mkdtempSync(join(scratch, "plain-"));
    writeFileSync(join(tree, "a"), "a");
    const plain = join(tree, "plain.tar.gz");
    tar.c({ file: plain, cwd: tree, sync: true }, ["a"]);
    const zip = join(tree, "zip.tar.gz");
    writeFileSync(zip, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]));
    const text = join(tree, "text.tar.gz");
    writeFileSync(text, "<html>404 Not Found</html>\n");
    expect(problemsOf(plain)).toEqual([expect.stringContaining("is a tar archive without gzip compression")]);
    expect(problemsOf(zip)).toEqual([expect.stringContaining("is a zip file, not a gzip tar")]);
    expect(problemsOf(text)).toEqual([expect.stringMatching(/^portage:app\.release: ".*text\.tar\.gz" is not a gzip file: build it with/)]);
  });

  it("refuses a truncated tarball, cut short in the middle", () => {
    const whole = releaseTarball(scratch, { files: { "lib/big/priv/data.bin": Buffer.alloc(200_000, 7) } });
    const cut = join(scratch, "cut.tar.gz");
    const bytes = readFileSync(whole);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(problemsOf(cut)).toEqual([expect.stringContaining("is damaged: it ends early: the file was cut short")]);
  });

  it("refuses gzip that holds no tar archive", () => {
    const path = join(scratch, "gz.tar.gz");
    writeFileSync(path, execFileSync("gzip", ["-c"], { input: "just text, many times over\n".repeat(100) }));
    expect(problemsOf(path)).toEqual([expect.stringContaining("is gzip-compressed but not a tar archive inside")]);
  });

  it("refuses a tarball that is not a mix release", () => {
    const tree = mkdtempSync(join(scratch, "notrelease-"));
    writeFileSync(join(tree, "index.html"), "hi");
    const path = join(tree, "site.tar.gz");
    tar.c({ gzip: true, file: path, cwd: tree, sync: true }, ["index.html"]);
    expect(problemsOf(path)).toEqual([expect.stringContaining("is not a mix release (no releases/<version>/<name>.rel")]);
  });

  it("refuses a release without its Erlang runtime (include_erts: false): the VMs have none", () => {
    expect(problemsOf(releaseTarball(scratch, { beam: null }))).toEqual([expect.stringContaining("carries no Erlang runtime (erts-*)")]);
  });

  it("refuses an aarch64 ERTS for x86_64 VMs, naming the instance type that decides", () => {
    expect(problemsOf(releaseTarball(scratch, { beam: glibcBeam("aarch64") }))).toEqual([
      expect.stringMatching(
        /^portage:app\.release: ".*": its Erlang runtime \(erts-14\.2\/bin\/beam\.smp\) is built for aarch64, but portage:fleet\.size "t3\.small" is x86_64; build it on an x86_64 machine or in a linux\/amd64 container$/,
      ),
    ]);
  });

  it("refuses an x86_64 ERTS for arm64 VMs, and accepts an aarch64 one there", () => {
    const arm: ExpectedRelease = { ...x86, arch: "arm64", archSource: 'portage:fleet.size "t4g.small"' };
    expect(problemsOf(releaseTarball(scratch), arm)).toEqual([
      expect.stringContaining(
        'is built for x86_64, but portage:fleet.size "t4g.small" is arm64; build it on an arm64 machine or in a linux/arm64 container',
      ),
    ]);
    expect(problemsOf(releaseTarball(scratch, { beam: glibcBeam("aarch64") }), arm)).toEqual([]);
  });

  it("refuses an ERTS built against musl (Alpine), which does not start on Ubuntu's glibc", () => {
    const beam = elfFile({ machine: "x86_64", interpreter: "/lib/ld-musl-x86_64.so.1", needed: ["libc.musl-x86_64.so.1"] });
    expect(problemsOf(releaseTarball(scratch, { beam }))).toEqual([
      expect.stringContaining(
        "is built against musl (/lib/ld-musl-x86_64.so.1: an Alpine image?), but the VMs run Ubuntu 24.04 with glibc",
      ),
    ]);
  });

  it("refuses an ERTS built for macOS or for FreeBSD", () => {
    const macho = Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe]), Buffer.alloc(64)]);
    expect(problemsOf(releaseTarball(scratch, { beam: macho }))).toEqual([
      expect.stringContaining("is built for macOS, but the VMs run Linux (Ubuntu 24.04)"),
    ]);
    const freebsd = elfFile({ machine: "x86_64", interpreter: "/libexec/ld-elf.so.1", osAbi: 9 });
    expect(problemsOf(releaseTarball(scratch, { beam: freebsd }))).toEqual([expect.stringContaining("is built for FreeBSD")]);
  });

  it("refuses an ERTS that needs a newer glibc than Ubuntu 24.04's 2.39, and accepts 2.39 itself", () => {
    expect(problemsOf(releaseTarball(scratch, { beam: glibcBeam("x86_64", ["2.2.5", "2.41", "2.34"]) }))).toEqual([
      expect.stringContaining("needs glibc 2.41 (it was built on a newer system), but the VMs run Ubuntu 24.04 with glibc 2.39"),
    ]);
    expect(problemsOf(releaseTarball(scratch, { beam: glibcBeam("x86_64", ["2.39"]) }))).toEqual([]);
  });

  it("checks the NIFs in lib/*/priv too: an OpenSSL 1.1 crypto NIF and an aarch64 one", () => {
    const crypto = elfFile({ machine: "x86_64", needed: ["libcrypto.so.1.1", "libc.so.6"] });
    const nif = elfFile({ machine: "aarch64", needed: ["libc.so.6"] });
    const problems = problemsOf(
      releaseTarball(scratch, {
        files: { "lib/crypto-5.4/priv/lib/crypto.so": crypto, "lib/bcrypt-3.1/priv/bcrypt_nif.so": nif, "lib/app/priv/static/app.js": "x" },
      }),
    );
    expect(problems).toHaveLength(2);
    expect(problems).toContainEqual(expect.stringContaining("lib/crypto-5.4/priv/lib/crypto.so needs libcrypto.so.1.1 (OpenSSL 1.1)"));
    expect(problems).toContainEqual(expect.stringContaining("lib/bcrypt-3.1/priv/bcrypt_nif.so is built for aarch64"));
  });

  it("reports every mismatch at once: name, version and architecture", () => {
    const problems = problemsOf(releaseTarball(scratch, { name: "shop", version: "2.0.0", beam: glibcBeam("aarch64") }));
    expect(problems.map((p) => /(portage:app\.name|portage:app\.version|built for aarch64)/.exec(p)?.[1])).toEqual([
      "portage:app.name",
      "portage:app.version",
      "built for aarch64",
    ]);
  });
});

describe("the ELF reader on real binaries", () => {
  it("reads this machine's Erlang runtime as Linux, glibc, its own CPU, needing the newest GLIBC version it names", () => {
    const erts = readdirSync("/usr/lib/erlang").find((d) => d.startsWith("erts-"));
    expect(erts, "Debian's erlang-base is installed (bin/setup-test-machine)").toBeDefined();
    const path = join("/usr/lib/erlang", erts ?? "", "bin", "beam.smp");
    const bytes = readFileSync(path);
    const facts = readBinary(bytes);
    const cpu = execFileSync("uname", ["-m"], { encoding: "utf8" }).trim();
    expect(facts).toMatchObject({ format: "elf", machine: cpu, libc: "glibc" });
    expect(facts.needed).toContain("libc.so.6");
    // An independent reading: the GLIBC_x.y strings in the file, the newest of them.
    const newest = [...new Set(bytes.toString("latin1").match(/GLIBC_2\.\d+/g) ?? [])]
      .map((v) => Number(v.split(".")[1]))
      .sort((a, b) => a - b)
      .pop();
    expect(facts.glibcNeeded).toBe(`2.${newest}`);
    expect(statSync(path).size).toBeGreaterThan(1_000_000);
  });
});

describe("the CPU of a VM type", () => {
  it.each([
    ["aws", "t3.small", "x86_64"],
    ["aws", "m6i.xlarge", "x86_64"],
    ["aws", "g4dn.xlarge", "x86_64"],
    ["aws", "c7i-flex.large", "x86_64"],
    ["aws", "t4g.small", "arm64"],
    ["aws", "m7g.large", "arm64"],
    ["aws", "c7gn.medium", "arm64"],
    ["aws", "im4gn.large", "arm64"],
    ["aws", "g5g.xlarge", "arm64"],
    ["aws", "a1.medium", "arm64"],
    ["gcp", "e2-small", "x86_64"],
    ["gcp", "n2-standard-4", "x86_64"],
    ["gcp", "t2a-standard-1", "arm64"],
    ["gcp", "c4a-standard-4", "arm64"],
  ] as const)("%s %s is %s", (provider, type, arch) => {
    expect(machineArchitecture(provider, type)).toBe(arch);
  });
});
