import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatResults, type Results } from "./report";

/**
 * The README's benchmark tables are generated from bench/results.json,
 * like the config reference is from the schema: `npm run bench` rewrites the block between the
 * markers, and a unit test checks that the two agree.
 */
export const benchmarksDoc = join(__dirname, "..", "..", "README.md");
const start = "<!-- bench-results:start -->";
const end = "<!-- bench-results:end -->";

/** The doc with its results block replaced by these results. */
export function renderBenchmarksDoc(doc: string, results: Results): string {
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${benchmarksDoc} has no ${start} ... ${end} block`);
  return `${doc.slice(0, from + start.length)}\n${formatResults(results)}${doc.slice(to)}`;
}

export function updateBenchmarksDoc(results: Results): void {
  writeFileSync(benchmarksDoc, renderBenchmarksDoc(readFileSync(benchmarksDoc, "utf8"), results));
}
