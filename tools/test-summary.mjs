// Prints the one summary line CI reads, from vitest's JSON results: "Tests: N passed, N failed, N skipped".
import { existsSync, readFileSync } from "node:fs";

const file = process.argv[2] ?? ".vitest-results.json";
if (!existsSync(file)) {
  console.log("Tests: 0 passed, 1 failed (vitest wrote no results: the run did not finish)");
  process.exit(1);
}
const r = JSON.parse(readFileSync(file, "utf8"));
// A file that failed to load counts as a failure even though it ran no test.
const brokenFiles = (r.testResults ?? []).filter((f) => f.status === "failed" && (f.assertionResults ?? []).length === 0).length;
const failed = r.numFailedTests + brokenFiles;
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`Tests: ${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
