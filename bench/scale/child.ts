import { parseArgs } from "node:util";
import { runStack } from "../../tools/offline/stack";
import { validConfig } from "../../tools/offline/stack";

/**
 * One evaluation of the program under the mock runtime, in a process of its own (Pulumi's runtime
 * is process-global, and peak memory must be this run's alone). Prints one JSON line.
 *
 *   tsx bench/scale/child.ts --provider aws --regions virginia,london,tokyo --per-region 100 --mode plan
 *
 * Modes: `plan` evaluates as `npm run plan` does (no source-map translation, no SDK promise stack
 * traces); `no-source-maps` only turns the translation off (how plan ran before); `tsx` is tsx's
 * default, source maps on (how the tests run the program).
 */
export type ScaleMode = "plan" | "no-source-maps" | "tsx";

export interface ChildResult {
  /** The evaluation alone: runStack, from the first resource to the last output. */
  seconds: number;
  resources: number;
  maxRssMb: number;
  error?: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { provider: { type: "string" }, regions: { type: "string" }, "per-region": { type: "string" }, mode: { type: "string" } },
  });
  const mode = values.mode as ScaleMode;
  if (mode !== "tsx") process.setSourceMapsEnabled(false);
  const started = performance.now();
  const result = await runStack({
    provider: values.provider as "aws" | "gcp",
    overrides: validConfig({
      "portage:fleet": { regions: (values.regions ?? "").split(","), nodesPerRegion: Number(values["per-region"]) },
    }),
    ...(mode === "plan" ? { sdkStackTraces: false } : {}),
  });
  const out: ChildResult = {
    seconds: (performance.now() - started) / 1000,
    resources: result.resources.length,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    ...(result.error ? { error: result.error.message } : {}),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
