import { join } from "node:path";
import { run } from "../../lab/fleet/run";
import { round } from "../lib/stats";
import type { ChildResult, ScaleMode } from "./child";

/**
 * Stack scale: the whole program evaluated under Pulumi's mock runtime (tools/offline, what
 * `npm run plan` and the stack tests run) for fleets of 3, 30 and 300 nodes on each provider, each
 * evaluation in its own child process: its time, the resources it registered, its peak memory.
 */
export interface ScaleSettings {
  regions: string[];
  perRegion: number[];
  /** `plan` runs for every size; the other modes (for comparison) for `comparedPerRegion` only. */
  modes: ScaleMode[];
  comparedPerRegion: number[];
}

export const scaleSettings = (quick: boolean): ScaleSettings => ({
  regions: ["virginia", "london", "tokyo"],
  perRegion: [1, 10, 100],
  // The quick run compares with tsx's default at 300 nodes only, and skips the middle mode.
  modes: quick ? ["plan", "tsx"] : ["plan", "no-source-maps", "tsx"],
  comparedPerRegion: quick ? [100] : [1, 10, 100],
});

export const providers = ["aws", "gcp"] as const;
type Provider = (typeof providers)[number];
/** By provider, then by node count ("3", "30", "300"). */
export type ByFleet<T> = Record<Provider, Record<string, T>>;

export interface ScaleRun extends ChildResult {
  mode: ScaleMode;
  provider: Provider;
  nodes: number;
  /** The child process from spawn to exit: node and tsx start-up, module loading, the evaluation. */
  processSeconds: number;
}

export interface ScaleResults {
  settings: ScaleSettings & { shape: string };
  /** `plan` mode, the headline figures. */
  seconds: ByFleet<number>;
  resources: ByFleet<number>;
  maxRssMb: ByFleet<number>;
  msPerNode: ByFleet<number>;
  /** seconds(300 nodes) / seconds(30 nodes): 10 is perfectly linear. */
  ratio300to30: Record<Provider, number>;
  /** Seconds in the other modes, for comparison. */
  secondsByMode: Partial<Record<ScaleMode, ByFleet<number>>>;
  runs: ScaleRun[];
}

const tsx = join(__dirname, "..", "..", "node_modules", ".bin", "tsx");
const child = join(__dirname, "child.ts");

export async function scaleBenchmark(settings: ScaleSettings, log: (line: string) => void): Promise<ScaleResults> {
  const runs: ScaleRun[] = [];
  for (const mode of settings.modes) {
    for (const perRegion of mode === "plan" ? settings.perRegion : settings.comparedPerRegion) {
      for (const provider of providers) {
        const nodes = perRegion * settings.regions.length;
        const args = [
          child,
          "--provider",
          provider,
          "--regions",
          settings.regions.join(","),
          "--per-region",
          String(perRegion),
          "--mode",
          mode,
        ];
        const started = performance.now();
        const r = await run(tsx, args, { timeoutMs: 600_000 });
        const processSeconds = (performance.now() - started) / 1000;
        const line = r.stdout.trim().split("\n").pop() ?? "";
        if (r.code !== 0 || !line.startsWith("{")) throw new Error(`scale child ${args.join(" ")} exited ${r.code}: ${r.stderr.trim()}`);
        const result = JSON.parse(line) as ChildResult;
        if (result.error) throw new Error(`the program failed for ${provider} with ${nodes} nodes: ${result.error}`);
        runs.push({
          mode,
          provider,
          nodes,
          ...result,
          seconds: round(result.seconds, 2),
          maxRssMb: round(result.maxRssMb),
          processSeconds: round(processSeconds, 2),
        });
        log(
          `scale ${mode.padEnd(14)} ${provider} ${String(nodes).padStart(3)} nodes: ${result.seconds.toFixed(2)} s (${((1000 * result.seconds) / nodes).toFixed(1)} ms/node), ` +
            `${result.resources} resources, max RSS ${Math.round(result.maxRssMb)} MB`,
        );
      }
    }
  }
  const table = <T>(mode: ScaleMode, f: (r: ScaleRun) => T): ByFleet<T> =>
    Object.fromEntries(
      providers.map((p) => [
        p,
        Object.fromEntries(runs.filter((r) => r.mode === mode && r.provider === p).map((r) => [String(r.nodes), f(r)])),
      ]),
    ) as ByFleet<T>;
  const seconds = table("plan", (r) => r.seconds);
  // The two largest fleets (30 and 300 nodes): how the time grows with ten times the nodes.
  const [mid = "", large = ""] = settings.perRegion.slice(-2).map((n) => String(n * settings.regions.length));
  return {
    settings: {
      ...settings,
      shape: `${settings.regions.length} regions (${settings.regions.join(", ")}) x ${settings.perRegion.join(" / ")} nodes`,
    },
    seconds,
    resources: table("plan", (r) => r.resources),
    maxRssMb: table("plan", (r) => r.maxRssMb),
    msPerNode: table("plan", (r) => round((1000 * r.seconds) / r.nodes, 1)),
    ratio300to30: Object.fromEntries(providers.map((p) => [p, round((seconds[p][large] ?? NaN) / (seconds[p][mid] ?? NaN), 2)])) as Record<
      Provider,
      number
    >,
    secondsByMode: Object.fromEntries(settings.modes.filter((m) => m !== "plan").map((m) => [m, table(m, (r) => r.seconds)])),
    runs,
  };
}
