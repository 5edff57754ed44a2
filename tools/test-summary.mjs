// Prints the one summary line CI reads, "Tests: N passed, N failed[, N skipped][, N not run]", from what
// tools/test-reporter.ts counted: failed tests, failed beforeAll/afterAll hooks and files, and errors
// thrown outside any test. Exits 1 when anything failed, did not run, or the run left no summary.
import { existsSync, readFileSync } from "node:fs";

const file = process.argv[2] ?? ".vitest-summary.json";
if (!existsSync(file)) {
  console.log("Tests: 0 passed, 1 failed (vitest wrote no summary: the run did not finish)");
  process.exit(1);
}
const s = JSON.parse(readFileSync(file, "utf8"));
for (const failure of s.failures.slice(0, 20)) console.log(`  failed: ${failure}`);
if (s.failures.length > 20) console.log(`  ... and ${s.failures.length - 20} more`);
const extra = [s.skipped ? `${s.skipped} skipped` : "", s.notRun ? `${s.notRun} not run (a beforeAll or their file failed)` : ""].filter(
  Boolean,
);
console.log(`Tests: ${s.passed} passed, ${s.failed} failed${extra.map((e) => `, ${e}`).join("")}`);
process.exit(s.failed > 0 || s.notRun > 0 ? 1 : 0);
