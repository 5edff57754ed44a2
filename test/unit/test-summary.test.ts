import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "portage-summary-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs fixture files (test/fixtures/summary, outside the suite's include) the way bin/test runs the
 * suite, with its reporter, then the summary script; returns the closing line and the exit codes.
 */
function runFixtures(...files: string[]) {
  const summary = join(scratch, `${files.join("+")}.json`);
  const vitest = spawnSync(
    join(root, "node_modules", ".bin", "vitest"),
    [
      "run",
      "--config",
      "test/fixtures/summary/vitest.config.ts",
      "--reporter=./tools/test-reporter.ts",
      ...files.map((f) => `test/fixtures/summary/${f}.fixture.ts`),
    ],
    { cwd: root, encoding: "utf8", env: { ...process.env, PORTAGE_TEST_SUMMARY: summary } },
  );
  const line = spawnSync("node", [join(root, "tools", "test-summary.mjs"), summary], { cwd: root, encoding: "utf8" });
  const lines = line.stdout.trim().split("\n");
  return { vitest: vitest.status, line: lines.at(-1) ?? "", failures: lines.slice(0, -1).map((l) => l.trim()), exit: line.status };
}

describe("the closing Tests line of bin/test", () => {
  it("counts a failing beforeAll as a failure, and its tests as not run rather than skipped", () => {
    const run = runFixtures("before-all-fails");
    expect(run.line).toBe("Tests: 0 passed, 1 failed, 2 not run (a beforeAll or their file failed)");
    expect(run.failures).toEqual([
      "failed: test/fixtures/summary/before-all-fails.fixture.ts (a hook or the file itself): the database did not start",
    ]);
    expect(run.exit).toBe(1);
  }, 60_000);

  it("counts a failing beforeAll in a describe block, the tests outside it still passing", () => {
    const run = runFixtures("nested-before-all-fails");
    expect(run.line).toBe("Tests: 1 passed, 1 failed, 1 not run (a beforeAll or their file failed)");
    expect(run.failures[0]).toContain(
      "nested-before-all-fails.fixture.ts > under load (a hook or the file itself): the load generator did not start",
    );
  }, 60_000);

  it("counts a failing afterAll after passing tests", () => {
    const run = runFixtures("after-all-fails");
    expect(run.line).toBe("Tests: 1 passed, 1 failed");
    expect(run.exit).toBe(1);
  }, 60_000);

  it("counts an unhandled rejection during passing tests", () => {
    const run = runFixtures("unhandled-rejection");
    expect(run.line).toBe("Tests: 2 passed, 1 failed");
    expect(run.failures).toEqual(["failed: outside any test (unhandled): Error: health check failed after the test"]);
    expect(run.exit).toBe(1);
    expect(run.vitest).not.toBe(0);
  }, 60_000);

  it("counts a file that fails to load", () => {
    expect(runFixtures("does-not-load").line).toBe("Tests: 0 passed, 1 failed");
  }, 60_000);

  it("adds everything up over several files, and passes a clean run with a deliberate skip", () => {
    expect(runFixtures("before-all-fails", "after-all-fails", "unhandled-rejection", "all-good").line).toBe(
      "Tests: 5 passed, 3 failed, 1 skipped, 2 not run (a beforeAll or their file failed)",
    );
    const clean = runFixtures("all-good");
    expect(clean.line).toBe("Tests: 2 passed, 0 failed, 1 skipped");
    expect(clean.exit).toBe(0);
  }, 120_000);

  it("says the run did not finish when vitest left no summary", () => {
    const line = spawnSync("node", [join(root, "tools", "test-summary.mjs"), join(scratch, "nothing.json")], { encoding: "utf8" });
    expect(line.stdout.trim()).toBe("Tests: 0 passed, 1 failed (vitest wrote no summary: the run did not finish)");
    expect(line.status).toBe(1);
  });
});
