import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildRelease } from "../lab/fleet/release";
import { agentBenchmark, agentSettings } from "./agent";
import { deployBenchmark, deploySettings } from "./deploy";
import { edgeBenchmark, edgeSettings } from "./edge";
import { handleInterrupts } from "./lib/cleanup";
import { machineFacts, machineProblems } from "./lib/machine";
import { migrationBenchmark, migrationSettings } from "./migration";
import { benchmarksDoc, updateBenchmarksDoc } from "./lib/readme";
import { formatResults, targets, type Results } from "./lib/report";
import { round } from "./lib/stats";
import { regionsBenchmark, regionsSettings } from "./regions";
import { rolloutBenchmark, rolloutSettings } from "./rollout";
import { scaleBenchmark, scaleSettings } from "./scale";

const sections = ["edge", "deploy", "rollout", "agent", "regions", "scale", "migration"] as const;
type Section = (typeof sections)[number];

const usage = `usage: npm run bench [-- --quick] [-- --only edge,deploy,rollout,agent,regions,scale,migration [--merge]]

Runs the benchmarks of the README ("Benchmarks") on this machine (as root, after
bin/setup-test-machine), writes bench/results.json and the tables in the README.
About 21 minutes on 2 cores; --quick about 11. Run it on a quiet machine: the figures are only as
steady as the machine is idle. --only runs some sections and writes bench/work/results-<sections>.json; with --merge it also puts
those sections into bench/results.json and the README (the other sections keep their own run).`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      merge: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return say(usage, 0);
  const only = values.only ? values.only.split(",").map((x) => x.trim()) : [...sections];
  const unknown = only.filter((x) => !(sections as readonly string[]).includes(x));
  if (unknown.length > 0) return say(`--only: ${unknown.join(", ")} is not a benchmark; use ${sections.join(", ")}\n\n${usage}`, 2);
  const chosen = sections.filter((x) => only.includes(x));
  const quick = values.quick;

  const problems = await machineProblems();
  if (problems.length > 0) return say(`npm run bench cannot run here:\n${problems.map((p) => `  - ${p}`).join("\n")}`, 2);

  const machine = await machineFacts();
  const [load1 = 0] = machine.loadAverageBefore;
  log(
    `${quick ? "quick" : "full"} run of ${chosen.join(", ")} on ${machine.cores} cores, load average ${machine.loadAverageBefore.join(" ")}`,
  );
  if (load1 > 0.5 * machine.cores)
    log(`warning: the machine is busy (load ${load1}); the figures will be noisy. Stop other work and run again for figures to publish.`);

  const started = performance.now();
  if (["deploy", "rollout", "agent", "regions"].some((s) => chosen.includes(s as Section))) {
    // Built (or taken from the cache) before anything is measured: mix compiling is not part of a deploy.
    log("building the fixture release v1 and v2 (cached after the first run)");
    await buildRelease({ version: "1.0.0" });
    await buildRelease({ version: "2.0.0" });
  }
  const partial: Omit<Results, "targets"> = {
    generatedAt: new Date().toISOString(),
    mode: quick ? "quick" : "full",
    totalSeconds: 0,
    machine,
  };
  const run: Record<Section, () => Promise<void>> = {
    edge: async () => void (partial.edge = await edgeBenchmark(edgeSettings(quick), log)),
    deploy: async () => void (partial.deploy = await deployBenchmark(deploySettings(quick), log)),
    rollout: async () => void (partial.rollout = await rolloutBenchmark(rolloutSettings(), log)),
    agent: async () => void (partial.agent = await agentBenchmark(agentSettings(quick), log)),
    regions: async () => void (partial.regions = await regionsBenchmark(regionsSettings(quick), log)),
    scale: async () => void (partial.scale = await scaleBenchmark(scaleSettings(quick), log)),
    migration: async () => void (partial.migration = await migrationBenchmark(migrationSettings(), log)),
  };
  for (const section of chosen) {
    const t = performance.now();
    await run[section]();
    log(`${section} done in ${Math.round((performance.now() - t) / 1000)} s`);
  }
  partial.totalSeconds = round((performance.now() - started) / 1000);
  const results: Results = { ...partial, targets: targets(partial) };

  // A partial run (--only) never replaces the published figures.
  const complete = chosen.length === sections.length;
  const file = complete ? join(__dirname, "results.json") : join(__dirname, "work", `results-${chosen.join("-")}.json`);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  if (complete) updateBenchmarksDoc(results);
  if (!complete && values.merge) {
    const publishedFile = join(__dirname, "results.json");
    const published = JSON.parse(readFileSync(publishedFile, "utf8")) as Results;
    const merged: Omit<Results, "targets"> = { ...published, ...Object.fromEntries(chosen.map((c) => [c, partial[c]])) };
    const withTargets: Results = { ...merged, targets: targets(merged) };
    writeFileSync(publishedFile, `${JSON.stringify(withTargets, null, 2)}\n`);
    updateBenchmarksDoc(withTargets);
    log(`merged ${chosen.join(", ")} into ${publishedFile} and the tables in ${benchmarksDoc}`);
  }
  process.stdout.write(`\n${formatResults(results)}\nwrote ${file}${complete ? ` and the tables in ${benchmarksDoc}` : ""}\n`);
  return results.targets.every((t) => t.met) ? 0 : 1;
}

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function say(text: string, code: number): number {
  (code === 0 ? process.stdout : process.stderr).write(`${text}\n`);
  return code;
}

handleInterrupts();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
