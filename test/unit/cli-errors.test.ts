import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deploy } from "../../tools/deploy/main";
import { readStackFile } from "../../tools/offline/stack";
import { ops } from "../../tools/ops/main";

const root = join(__dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const scratch = mkdtempSync(join(tmpdir(), "portage-cli-errors-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A stack file with a YAML syntax error on line 4: a list opened and never closed. */
const broken = "config:\n  portage:fleet:\n    regions: [virginia\n  portage:app:\n    name: hello\n";
writeFileSync(join(scratch, "Pulumi.broken.yaml"), broken);
writeFileSync(join(scratch, "Pulumi.yaml"), "name: portage\nruntime: nodejs\n");

const noStackTrace = /\n\s+at .*:\d+:\d+/;

describe("the tools' command lines", () => {
  it.each([
    ["plan", "tools/plan.ts", "usage: npm run plan -- --stack <name>"],
    ["render", "tools/render.ts", "usage: npm run render -- --stack <name>"],
    ["ops", "tools/ops/cli.ts", "usage: npm run ops -- <command> [options]"],
    ["deploy", "tools/deploy/cli.ts", "usage: npm run deploy -- <tarball>"],
  ])("%s: an unknown flag prints the usage and exits 2, without a stack trace", (tool, file, usage) => {
    const run = spawnSync(tsx, [join(root, file), "--bogus"], { cwd: root, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${tool}: Unknown option '--bogus'`);
    expect(run.stderr).toContain(usage);
    expect(run.stderr).not.toMatch(noStackTrace);
  });
});

describe("a YAML syntax error in a stack file", () => {
  const expected =
    /^Pulumi\.broken\.yaml:4:3: Flow sequence in block collection must be sufficiently indented and end with a \] \(a YAML syntax error in .*Pulumi\.broken\.yaml\)\n  4 \|   portage:app:\n    \|   \^$/;

  it("names the file, the line and the column, and shows the line (plan, render, bin/up read stack files this way)", () => {
    expect(() => readStackFile("broken", scratch)).toThrow(expected);
  });

  it("stops npm run deploy before anything runs", async () => {
    const calls: string[][] = [];
    const run = {
      capture: async (argv: readonly string[]) => (calls.push([...argv]), { code: 0, stdout: "", stderr: "" }),
      attach: async () => 0,
      stream: async () => 0,
    };
    writeFileSync(join(scratch, "x-0.1.0.tar.gz"), "");
    await expect(
      deploy(["x-0.1.0.tar.gz", "--stack", "broken"], {
        run,
        ui: { out: () => undefined, progress: (_l, w) => w() },
        root: scratch,
        cwd: scratch,
      }),
    ).rejects.toThrow(expected);
    expect(calls).toEqual([]);
  });

  it("stops npm run ops -- rollback with the same message", async () => {
    const outputs = join(root, "tools", "ops", "example-outputs.json");
    const history = "2026-01-05T10:00:00Z 0.2.0 b0b0\n2026-01-09T10:00:00Z 0.3.0 c0ff\n";
    const run = {
      capture: async (argv: readonly string[]) => ({ code: 0, stdout: argv.join(" ").includes("history") ? history : "", stderr: "" }),
      attach: async () => 0,
      stream: async () => 0,
    };
    const deps = {
      run,
      ui: { out: () => undefined, progress: <T>(_l: string, w: () => Promise<T>) => w() },
      env: { SSH_AUTH_SOCK: "/agent" },
      home: scratch,
      root: scratch,
      cwd: scratch,
      readFile: (p: string) => readFileSync(p, "utf8"),
      exists: existsSync,
      sleep: async () => undefined,
    };
    await expect(ops(["rollback", "--stack", "broken", "--outputs", outputs, "--dry-run"], deps)).rejects.toThrow(expected);
  });
});
