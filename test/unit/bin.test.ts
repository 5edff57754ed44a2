import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkRelease, inspectRelease } from "../../components/config/release-tarball";
import { setStackSettings } from "../../tools/up/stack-file";
import { glibcBeam, releaseTarball } from "../support/elf";
import { fakePulumi } from "../support/fake-pulumi";

const root = join(__dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const scratch = mkdtempSync(join(tmpdir(), "portage-bin-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the quick start's commands", () => {
  it.each(["bin/up", "bin/test", "bin/setup-test-machine", ".ci/run"])("%s is shellcheck-clean", (script) => {
    expect(() => execFileSync("shellcheck", [join(root, script)], { encoding: "utf8" })).not.toThrow();
  });

  it("bin/up builds the example app into a real release tarball of the configured version, which passes the release check", () => {
    const out = join(scratch, "hello-0.1.0.tar.gz");
    execFileSync(tsx, [join(root, "tools/up/example-release.ts"), "--version", "0.1.0", "--out", out], {
      cwd: root,
      encoding: "utf8",
      timeout: 300_000,
    });
    expect(statSync(out).size).toBeGreaterThan(1_000_000);
    const listing = execFileSync("tar", ["-tzf", out], { encoding: "utf8" });
    expect(listing).toMatch(/^(\.\/)?bin\/hello$/m);
    expect(listing).toMatch(/^(\.\/)?releases\/0\.1\.0\//m);
    expect(checkRelease(inspectRelease(out), { name: "hello", version: "0.1.0", arch: "x86_64" })).toEqual([]);
  }, 300_000);

  it("Pulumi.yaml keeps the stacks' state in the project's git-ignored .pulumi-state, so the user's own shell finds it", () => {
    const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as { backend?: { url?: string } };
    expect(project.backend?.url).toBe("file://./.pulumi-state");
    expect(readFileSync(join(root, ".gitignore"), "utf8").split("\n")).toContain(".pulumi-state/");
  });
});

/** The tools bin/up may find on a machine: only these, and the fakes, are on its PATH. */
const basics = [
  "node",
  "npm",
  "npx",
  "bash",
  "sh",
  "env",
  "dirname",
  "sed",
  "mkdir",
  "cat",
  "uname",
  "rm",
  "ls",
  "cp",
  "mv",
  "grep",
  "head",
  "tail",
  "tr",
];

interface Machine {
  /** Fakes to put on the PATH: name -> bash script body. */
  commands?: Record<string, string>;
  /** Files in the fake home: relative path -> content. */
  home?: Record<string, string>;
  env?: Record<string, string>;
  /** The stack file, when not the shipped Pulumi.dev.yaml. */
  stackFile?: string;
  /** Put a release tarball at ./releases/hello-0.1.0.tar.gz (a beam.smp for this CPU). */
  release?: Buffer | false;
  /** The Pulumi CLI is on the PATH (else only what ~/.pulumi/bin holds). */
  pulumiOnPath?: boolean;
}

const awsOk = 'case "$*" in "sts get-caller-identity"*) echo 123456789012 ;; *) exit 1 ;; esac';
const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMyOwnKeyForTheTestsOnlyAAAAAAAAAAAAAAAAAAA me@laptop";
const checkip = 'case "$*" in *checkip*) echo 198.51.100.77 ;; *) exit 7 ;; esac';

/** A copy of the project to run bin/up in: its own stack file and state, everything else the repository's. */
function project(machine: Machine) {
  const dir = mkdtempSync(join(scratch, "project-"));
  mkdirSync(join(dir, "bin"));
  copyFileSync(join(root, "bin", "up"), join(dir, "bin", "up"));
  for (const linked of ["node_modules", "components", "tools", "stacks", "lab", "examples", "package.json", "tsconfig.json"])
    symlinkSync(join(root, linked), join(dir, linked));
  // A copy dated 1970: bin/up installs when the lockfile is newer than node_modules, and this copy's
  // node_modules is the repository's own (an install here would rewrite it under the running suite).
  copyFileSync(join(root, "package-lock.json"), join(dir, "package-lock.json"));
  utimesSync(join(dir, "package-lock.json"), 0, 0);
  copyFileSync(join(root, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  writeFileSync(join(dir, "Pulumi.dev.yaml"), machine.stackFile ?? readFileSync(join(root, "Pulumi.dev.yaml"), "utf8"));
  if (machine.release !== false) {
    mkdirSync(join(dir, "releases"));
    renameSync(releaseTarball(scratch, { beam: machine.release ?? glibcBeam() }), join(dir, "releases", "hello-0.1.0.tar.gz"));
  }
  const home = join(dir, "home");
  for (const [path, content] of Object.entries(machine.home ?? {})) {
    mkdirSync(join(home, path, ".."), { recursive: true });
    writeFileSync(join(home, path), content);
  }
  mkdirSync(home, { recursive: true });
  const pulumi = fakePulumi(join(dir, "fake"));
  const sys = join(dir, "sys");
  mkdirSync(sys);
  for (const name of basics) symlinkSync(execFileSync("bash", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim(), join(sys, name));
  for (const [name, body] of Object.entries(machine.commands ?? {})) {
    writeFileSync(join(sys, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(sys, name), 0o755);
  }
  if (machine.pulumiOnPath === false) {
    mkdirSync(join(home, ".pulumi"), { recursive: true });
    symlinkSync(pulumi.bin, join(home, ".pulumi", "bin"));
  }
  const path = machine.pulumiOnPath === false ? sys : `${pulumi.bin}:${sys}`;
  const run = (...args: string[]) => {
    const r = spawnSync(join(dir, "bin", "up"), args, {
      cwd: dir,
      encoding: "utf8",
      timeout: 120_000,
      env: { PATH: path, HOME: home, PULUMI_CONFIG_PASSPHRASE: "test", ...machine.env },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { dir, pulumi, run, stackFile: () => readFileSync(join(dir, "Pulumi.dev.yaml"), "utf8") };
}

describe("bin/up", () => {
  it("--help says what it does and how long it takes, and touches nothing", () => {
    const p = project({});
    const help = p.run("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^bin\/up \[stack\] \[pulumi up options\.\.\.\]: deploys a stack/);
    expect(help.stdout).toContain("10-15 minutes");
    expect(p.pulumi.calls()).toEqual([]);
  });

  it("lists everything missing with how to get it before it creates a stack or edits a file", () => {
    const p = project({ release: false, pulumiOnPath: false, stackFile: readFileSync(join(root, "Pulumi.dev.yaml"), "utf8") });
    rmSync(join(p.dir, "home", ".pulumi"), { recursive: true, force: true });
    const before = p.stackFile();
    const up = p.run();
    expect(up.code).toBe(1);
    const listed = up.stderr.split("bin/up: cannot start yet; nothing was created or changed:\n")[1] ?? "";
    const problems = listed
      .split("\n")
      .filter((l) => l.startsWith("  - "))
      .map((l) => l.trim());
    expect(problems).toEqual([
      "- no Pulumi CLI, and no curl to install it: install it (https://www.pulumi.com/docs/install/) or curl",
      expect.stringMatching(/^- no AWS credentials: install the AWS CLI and run aws configure/),
      "- no SSH key: create one (ssh-keygen -t ed25519) or load yours (ssh-add); you log in to the servers with it",
      expect.stringMatching(
        /^- \.\/releases\/hello-0\.1\.0\.tar\.gz does not exist and Elixir is not installed to build the example app: install elixir/,
      ),
    ]);
    expect(p.pulumi.calls()).toEqual([]);
    expect(p.stackFile()).toBe(before);
    expect(existsSync(join(p.dir, ".pulumi-state"))).toBe(false);
  });

  it("with everything in place: creates the stack in the project's state, writes the user's key and address in one go, runs pulumi up, then says what to run next", () => {
    const p = project({ commands: { aws: awsOk, curl: checkip }, home: { ".ssh/id_ed25519.pub": `${key}\n` } });
    const up = p.run("--yes");
    expect(up.stderr).not.toContain("cannot start");
    expect(up.code).toBe(0);
    expect(p.pulumi.calls()).toEqual([
      ["stack", "select", "--create", "dev"],
      ["up", "--stack", "dev", "--yes"],
    ]);
    expect(existsSync(join(p.dir, ".pulumi-state"))).toBe(true);
    const config = (parse(p.stackFile()) as { config: Record<string, Record<string, unknown>> }).config;
    expect(config["portage:access"]).toEqual({ adminCidrs: ["198.51.100.77/32"], sshPublicKey: key });
    expect(p.stackFile()).toContain("# A small, cheap stack to try things");
    expect(up.stderr).toContain("bin/up: AWS account 123456789012");
    expect(up.stdout).toContain("pulumi stack output url");
    expect(up.stdout).toContain("npm run ops -- nodes");
    expect(up.stdout).toContain("pulumi destroy");
    expect(up.stdout).not.toContain("export PATH");
  });

  it("prints the line that puts the Pulumi CLI on the user's PATH when it is only in ~/.pulumi/bin", () => {
    const p = project({ commands: { aws: awsOk, curl: checkip }, home: { ".ssh/id_ed25519.pub": key }, pulumiOnPath: false });
    const up = p.run();
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('export PATH="$HOME/.pulumi/bin:$PATH"');
  });

  it("deploys without the user's public address (SSH is for people), saying how to set it later", () => {
    const p = project({
      commands: { aws: awsOk, curl: "echo 'curl: (6) Could not resolve host' >&2; exit 6" },
      home: { ".ssh/id_ed25519.pub": key },
    });
    const up = p.run();
    expect(up.code).toBe(0);
    expect(up.stderr).toContain("could not find your public address (curl: (6) Could not resolve host)");
    expect(up.stderr).toContain("pulumi config set --path 'portage:access.adminCidrs[0]' <your-ip>/32");
    expect((parse(p.stackFile()) as { config: Record<string, { adminCidrs?: string[] }> }).config["portage:access"]?.adminCidrs).toEqual([
      "203.0.113.10/32",
    ]);
  });

  it("refuses AWS credentials that do not work, with the CLI's reason", () => {
    const p = project({
      commands: {
        aws: "echo 'Unable to locate credentials. You can configure credentials by running \"aws configure\".' >&2; exit 253",
        curl: checkip,
      },
      home: { ".ssh/id_ed25519.pub": key },
    });
    const up = p.run();
    expect(up.code).toBe(1);
    expect(up.stderr).toContain("AWS credentials do not work (aws sts get-caller-identity: Unable to locate credentials.");
    expect(p.pulumi.calls()).toEqual([]);
  });

  it("on GCP: takes the project from gcloud and lists the APIs to enable with the exact command", () => {
    const stackFile = readFileSync(join(root, "Pulumi.dev.yaml"), "utf8").replace("portage:provider: aws", "portage:provider: gcp");
    const gcloud = [
      'case "$*" in',
      '  "auth application-default print-access-token") echo ya29.token ;;',
      '  "config get-value project") echo shop-prod-1 ;;',
      '  "services list"*) printf "compute.googleapis.com\\nstorage.googleapis.com\\n" ;;',
      "  *) exit 1 ;;",
      "esac",
    ].join("\n");
    const p = project({ stackFile, commands: { gcloud, curl: checkip }, home: { ".ssh/id_ed25519.pub": key } });
    const before = p.stackFile();
    const up = p.run();
    expect(up.code).toBe(1);
    expect(up.stderr).toContain("gcp:project: shop-prod-1 (from gcloud)");
    expect(up.stderr).toContain(
      "project shop-prod-1 lacks APIs the stack uses (iam.googleapis.com, cloudresourcemanager.googleapis.com, servicenetworking.googleapis.com, sqladmin.googleapis.com, secretmanager.googleapis.com, dns.googleapis.com, serviceusage.googleapis.com): gcloud services enable iam.googleapis.com cloudresourcemanager.googleapis.com servicenetworking.googleapis.com sqladmin.googleapis.com secretmanager.googleapis.com dns.googleapis.com serviceusage.googleapis.com --project shop-prod-1",
    );
    expect(p.stackFile()).toBe(before);
  });

  it("refuses a release the VMs cannot run before anything is created", () => {
    const p = project({ commands: { aws: awsOk, curl: checkip }, home: { ".ssh/id_ed25519.pub": key }, release: glibcBeam("aarch64") });
    const up = p.run();
    expect(up.code).toBe(1);
    expect(up.stderr).toContain('is built for aarch64, but portage:fleet.size "small" (t3.small) is x86_64');
    expect(p.pulumi.calls()).toEqual([]);
  });

  it("without a terminal and without PULUMI_CONFIG_PASSPHRASE, says to set it instead of hanging on Pulumi's question", () => {
    const p = project({ commands: { aws: awsOk, curl: checkip }, home: { ".ssh/id_ed25519.pub": key } });
    const up = spawnSync(join(p.dir, "bin", "up"), [], {
      cwd: p.dir,
      encoding: "utf8",
      env: { PATH: `${p.pulumi.bin}:${join(p.dir, "sys")}`, HOME: join(p.dir, "home") },
    });
    expect(up.status).toBe(1);
    expect(up.stderr).toContain("export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE)");
  });

  it("leaves the stack file untouched when the stack cannot be created", () => {
    const p = project({
      commands: { aws: awsOk, curl: checkip },
      home: { ".ssh/id_ed25519.pub": key },
      env: { FAKE_PULUMI_EXIT_stack: "1" },
    });
    const before = p.stackFile();
    const up = p.run();
    expect(up.code).not.toBe(0);
    expect(p.pulumi.calls()).toEqual([["stack", "select", "--create", "dev"]]);
    expect(p.stackFile()).toBe(before);
  });
});

describe("the stack file edit", () => {
  it("sets values by path the way pulumi config set --path does, keeps comments and other keys, and replaces the file by a rename", () => {
    const file = join(scratch, "Pulumi.edit.yaml");
    writeFileSync(
      file,
      'encryptionsalt: v1:abc\nconfig:\n  # who may come in\n  portage:access:\n    adminCidrs: ["203.0.113.10/32"]\n  portage:app:\n    name: hello\n',
    );
    const inode = statSync(file).ino;
    setStackSettings(file, { "portage:access.adminCidrs": ["198.51.100.7/32"], "portage:access.sshPublicKey": key, "gcp:project": "p-1" });
    const text = readFileSync(file, "utf8");
    expect(parse(text)).toEqual({
      encryptionsalt: "v1:abc",
      config: {
        "portage:access": { adminCidrs: ["198.51.100.7/32"], sshPublicKey: key },
        "portage:app": { name: "hello" },
        "gcp:project": "p-1",
      },
    });
    expect(text).toContain("# who may come in");
    expect(statSync(file).ino).not.toBe(inode);
  });

  it("refuses a stack file it cannot parse and leaves it as it was", () => {
    const file = join(scratch, "Pulumi.bad.yaml");
    const broken = "config:\n  portage:app: [\n";
    writeFileSync(file, broken);
    expect(() => setStackSettings(file, { "gcp:project": "p" })).toThrow(/Pulumi\.bad\.yaml/);
    expect(readFileSync(file, "utf8")).toBe(broken);
  });
});
