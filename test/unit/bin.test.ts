import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const scratch = mkdtempSync(join(tmpdir(), "portage-bin-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the quick start's commands", () => {
  it.each(["bin/up", "bin/test", "bin/setup-test-machine", ".ci/run"])("%s is shellcheck-clean", (script) => {
    expect(() => execFileSync("shellcheck", [join(root, script)], { encoding: "utf8" })).not.toThrow();
  });

  it("bin/up sees the dev stack's documentation examples, which it replaces with the user's key and address", () => {
    const info = JSON.parse(execFileSync(tsx, [join(root, "tools/up/stack-info.ts"), "dev"], { cwd: root, encoding: "utf8" }));
    expect(info).toMatchObject({ stack: "dev", provider: "aws", exampleKey: true, exampleAdminCidrs: true, gcpProjectMissing: false });
    expect(info.app).toMatchObject({ name: "hello", version: "0.1.0", release: "./releases/hello-0.1.0.tar.gz" });
  });

  it("bin/up builds the example app into a real release tarball of the configured version", () => {
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
  }, 300_000);
});
