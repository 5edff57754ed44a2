import { writeFileSync } from "node:fs";
import type { Reporter, TestCase, TestModule, TestSuite } from "vitest/node";

/**
 * A vitest reporter that counts what the closing `Tests: N passed, N failed` line must: vitest's own
 * counts (and its JSON report) miss a failing beforeAll/afterAll (its tests show as skipped, or as
 * passed) and errors thrown outside any test (unhandled rejections, a timer that throws), which only
 * fail the run. Here each of those is a failure, and a test that never ran because its setup failed is
 * counted apart from the ones skipped on purpose. Writes `$PORTAGE_TEST_SUMMARY` (default
 * .vitest-summary.json) for tools/test-summary.mjs.
 */
export interface TestSummary {
  passed: number;
  /** Failed tests, failed hooks and files, and errors outside any test. */
  failed: number;
  /** Skipped on purpose (it.skip, todo). */
  skipped: number;
  /** Tests that never ran because a beforeAll (or the file itself) failed. */
  notRun: number;
  /** One line per failure: where, and the first line of its error. */
  failures: string[];
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<{ message?: string; name?: string }>,
    reason: "passed" | "failed" | "interrupted",
  ): void {
    const summary = summarize(modules, unhandledErrors);
    if (reason === "interrupted") {
      summary.failed++;
      summary.failures.push("the run was interrupted before every test ran");
    }
    writeFileSync(process.env.PORTAGE_TEST_SUMMARY ?? ".vitest-summary.json", `${JSON.stringify(summary, null, 2)}\n`);
  }
}

export function summarize(
  modules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<{ message?: string; name?: string }>,
): TestSummary {
  const summary: TestSummary = { passed: 0, failed: 0, skipped: 0, notRun: 0, failures: [] };
  const fail = (where: string, message: string | undefined) => {
    summary.failed++;
    summary.failures.push(`${where}: ${(message ?? "").split("\n")[0]}`);
  };
  const visit = (node: TestModule | TestSuite, where: string, setupFailed: boolean) => {
    const errors = node.errors();
    for (const e of errors) fail(`${where} (a hook or the file itself)`, e.message);
    const broken = setupFailed || errors.length > 0;
    for (const child of node.children) {
      if (child.type === "suite") visit(child, `${where} > ${child.name}`, broken);
      else count(child, `${where} > ${child.name}`, broken);
    }
  };
  const count = (test: TestCase, where: string, setupFailed: boolean) => {
    const result = test.result();
    if (result.state === "passed") summary.passed++;
    else if (result.state === "failed") fail(where, result.errors[0]?.message);
    else if (setupFailed && (test.options.mode === "run" || test.options.mode === "only")) summary.notRun++;
    else summary.skipped++;
  };
  for (const module of modules) visit(module, module.relativeModuleId, false);
  for (const e of unhandledErrors) fail("outside any test (unhandled)", `${e.name ?? "Error"}: ${e.message ?? ""}`);
  return summary;
}
