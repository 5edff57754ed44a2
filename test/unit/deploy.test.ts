import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { deploy } from "../../tools/deploy/main";
import { processRunner } from "../../tools/ops/exec";
import { glibcBeam, releaseTarball } from "../support/elf";
import { fakePulumi, type FakePulumi } from "../support/fake-pulumi";

const root = join(__dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const scratch = mkdtempSync(join(tmpdir(), "portage-deploy-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let pulumi: FakePulumi;
beforeEach(() => {
  pulumi = fakePulumi(mkdtempSync(join(scratch, "pulumi-")));
});

/** `npm run deploy -- <argv>` as the user runs it, with the fake pulumi first on the PATH. */
function runDeploy(argv: string[], env: Record<string, string> = {}) {
  const result = spawnSync(tsx, [join(root, "tools/deploy/cli.ts"), ...argv], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PATH: `${pulumi.bin}:${process.env.PATH}`, INIT_CWD: scratch, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A project directory of its own, for stacks the repository does not ship. */
function project(stackFile: string): string {
  const dir = mkdtempSync(join(scratch, "project-"));
  writeFileSync(join(dir, "Pulumi.yaml"), "name: portage\nruntime: nodejs\n");
  writeFileSync(join(dir, "Pulumi.arm.yaml"), stackFile);
  return dir;
}

/** deploy() in this process, with the real process runner (the fake pulumi first on the PATH) and a quiet UI. */
async function deployIn(dir: string, argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, { PATH: `${pulumi.bin}:${process.env.PATH}`, ...env });
  try {
    const code = await deploy(argv, {
      run: processRunner,
      ui: { out: (t) => out.push(t), progress: (_l, work) => work() },
      root: dir,
      cwd: dir,
    });
    return { code, out: out.join("\n") };
  } finally {
    process.env = saved;
  }
}

describe("npm run deploy -- <tarball>", () => {
  it("reads name and version from the tarball, sets app.name, app.version and app.release in one config call, then runs pulumi up", () => {
    const tarball = releaseTarball(scratch, { name: "my_app", version: "0.2.0" });
    const run = runDeploy([tarball]);
    expect(run.stderr).not.toContain("deploy:");
    expect(run.code).toBe(0);
    expect(pulumi.calls()).toEqual([
      ["stack", "--show-name"],
      ["stack", "output", "--json", "--stack", "dev"],
      [
        "config",
        "set-all",
        "--stack",
        "dev",
        "--path",
        "--plaintext",
        "portage:app.name=my_app",
        "--plaintext",
        "portage:app.version=0.2.0",
        "--plaintext",
        `portage:app.release=${tarball}`,
      ],
      ["up", "--stack", "dev"],
    ]);
    expect(run.stdout).toContain('my_app 0.2.0 (x86_64, as portage:fleet.size "small" (t3.small), sha256 ');
    expect(run.stdout).toContain("portage:app.version: 0.1.0 -> 0.2.0");
  });

  it("takes the tarball's path from where the user typed the command, and --stack and --yes", () => {
    releaseTarball(scratch, { version: "0.3.0" });
    mkdirSync(join(scratch, "out"), { recursive: true });
    const tarball = releaseTarball(join(scratch, "out"), { version: "0.3.0" });
    const relativePath = tarball.slice(scratch.length + 1);
    const run = runDeploy([relativePath, "--stack", "prod", "--yes"]);
    expect(run.code).toBe(0);
    const calls = pulumi.calls();
    expect(calls[0]).toEqual([
      "config",
      "set-all",
      "--stack",
      "prod",
      "--path",
      "--plaintext",
      "portage:app.version=0.3.0",
      "--plaintext",
      `portage:app.release=${tarball}`,
    ]);
    expect(calls[1]).toEqual(["up", "--stack", "prod", "--yes"]);
    expect(calls).toHaveLength(2);
  });

  it("--preview sets the release in a copy of the stack file, previews with it, and leaves the stack file as it was", async () => {
    const before = readFileSync(join(root, "Pulumi.dev.yaml"), "utf8");
    const run = await deployIn(root, [releaseTarball(scratch, { version: "0.4.0" }), "--preview"]);
    expect(run.code).toBe(0);
    const [, setAll, preview] = pulumi.calls();
    const copy = setAll?.[setAll.indexOf("--config-file") + 1] ?? "";
    expect(copy).toMatch(/portage-deploy-.*\/Pulumi\.dev\.yaml$/);
    expect(setAll).toContain("portage:app.version=0.4.0");
    expect(preview).toEqual(["preview", "--diff", "--stack", "dev", "--config-file", copy]);
    expect(pulumi.calls().some((c) => c[0] === "up")).toBe(false);
    expect(readFileSync(join(root, "Pulumi.dev.yaml"), "utf8")).toBe(before);
    expect(run.out).toContain("Nothing was changed.");
  });

  it("refuses an aarch64 release for the x86_64 dev stack before Pulumi changes anything", () => {
    const run = runDeploy([releaseTarball(scratch, { beam: glibcBeam("aarch64") })]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^deploy: portage:app\.release: .* is built for aarch64, but portage:fleet\.size "small" \(t3\.small\) is x86_64;/m,
    );
    expect(run.stderr).toContain("Nothing was changed.");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(pulumi.calls()).toEqual([["stack", "--show-name"]]);
  });

  it("checks the release against the stack's own CPU: arm64 for a Graviton fleet", async () => {
    const dir = project("config:\n  portage:fleet:\n    size: t4g.small\n");
    await expect(deployIn(dir, [releaseTarball(scratch), "--stack", "arm"])).rejects.toThrow(
      /is built for x86_64, but portage:fleet\.size "t4g\.small" is arm64/,
    );
    expect(pulumi.calls()).toEqual([]);
    const arm = await deployIn(dir, [releaseTarball(scratch, { beam: glibcBeam("aarch64") }), "--stack", "arm"]);
    expect(arm.code).toBe(0);
    expect(arm.out).toContain('hello 0.1.0 (arm64, as portage:fleet.size "t4g.small"');
  });

  it("names a release inside the project relative to it, as the stack files do", async () => {
    const dir = project("config:\n  portage:app:\n    version: 0.1.0\n");
    mkdirSync(join(dir, "releases"));
    const tarball = releaseTarball(join(dir, "releases"), { version: "0.5.0" });
    expect((await deployIn(dir, [tarball, "--stack", "arm", "--yes"])).code).toBe(0);
    expect(pulumi.calls()[0]).toContain(`portage:app.release=./${tarball.slice(dir.length + 1)}`);
  });

  it("refuses a release of another name on a deployed stack: the name also names the database", async () => {
    const run = deployIn(root, [releaseTarball(scratch, { name: "shop" })], { FAKE_PULUMI_OUTPUTS: '{"url":"http://198.51.100.20"}' });
    await expect(run).rejects.toThrow(
      /the tarball is the release "shop", but stack dev runs "hello" \(portage:app\.name\)\..* replaces the database/,
    );
    expect(pulumi.calls().map((c) => c[0])).toEqual(["stack", "stack"]);
  });

  it("exits with pulumi up's code when the update fails, and says how to set the previous release back", async () => {
    const run = await deployIn(root, [releaseTarball(scratch, { version: "0.6.0" })], { FAKE_PULUMI_EXIT_up: "255" });
    expect(run.code).toBe(255);
    expect(run.out).toContain("pulumi up did not finish (exit 255)");
    expect(run.out).toContain(
      "pulumi config set-all --stack dev --path --plaintext portage:app.version=0.1.0 --plaintext portage:app.release=./releases/hello-0.1.0.tar.gz",
    );
  });

  it("refuses a truncated tarball and a missing one, naming the file", async () => {
    const whole = readFileSync(releaseTarball(scratch));
    const cut = join(scratch, "cut-0.1.0.tar.gz");
    writeFileSync(cut, whole.subarray(0, whole.length - 40));
    await expect(deployIn(root, [cut])).rejects.toThrow(/cut-0\.1\.0\.tar\.gz" is damaged: it ends early/);
    await expect(deployIn(scratch, ["nowhere.tar.gz"])).rejects.toThrow(
      /^nowhere\.tar\.gz: no such file; give the \.tar\.gz that mix release built$/,
    );
    expect(pulumi.calls().filter((c) => c[0] !== "stack")).toEqual([]);
  });

  it("says how to get the Pulumi CLI when it is not installed", async () => {
    const out: string[] = [];
    const missing = {
      capture: async () => ({ code: 127, stdout: "", stderr: "pulumi: command not found" }),
      attach: async () => 127,
      stream: async () => 127,
    };
    await expect(
      deploy([releaseTarball(scratch)], { run: missing, ui: { out: (t) => out.push(t), progress: (_l, w) => w() }, root, cwd: scratch }),
    ).rejects.toThrow(/the Pulumi CLI is not installed here .*bin\/up installs it/);
  });
});
