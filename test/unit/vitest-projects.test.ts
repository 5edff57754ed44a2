import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import config from "../../vitest.config";

const root = join(__dirname, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "portage-projects-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Span = { name: string; start: number; end: number };

/** Runs the fixture files under a config with a worker for every file and returns when each test ran. */
function timeline(configFile: string): Span[] {
  const log = join(scratch, `${configFile.replace(/\W/g, "-")}.log`);
  const run = spawnSync(join(root, "node_modules", ".bin", "vitest"), ["run", "--config", configFile, "--maxWorkers=5"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PORTAGE_TIMELINE: log },
  });
  expect(run.status, run.stderr).toBe(0);
  const spans = new Map<string, Span>();
  for (const line of readFileSync(log, "utf8").trim().split("\n")) {
    const [name = "", what, at] = line.split(" ");
    const span = spans.get(name) ?? { name, start: 0, end: 0 };
    span[what === "start" ? "start" : "end"] = Number(at);
    spans.set(name, span);
  }
  return [...spans.values()];
}

const overlap = (a: Span, b: Span) => a.start < b.end && b.start < a.end;
const pairs = <T>(xs: T[]) => xs.flatMap((a, i) => xs.slice(i + 1).map((b) => [a, b] as const));

describe("the local-fleet files run one at a time", () => {
  it("vitest.config.ts puts test/e2e in a group of its own, one file at a time, after every other file", () => {
    const projects = (config.test?.projects ?? []) as {
      test: { include: string[]; fileParallelism?: boolean; sequence: { groupOrder: number } };
    }[];
    const fleet = projects.find((p) => p.test.include.includes("test/e2e/**/*.test.ts"));
    expect(fleet?.test.fileParallelism).toBe(false);
    expect(Math.max(...projects.filter((p) => p !== fleet).map((p) => p.test.sequence.groupOrder))).toBeLessThan(
      fleet?.test.sequence.groupOrder ?? -1,
    );
  });

  it("with those settings, fixture fleet files never overlap each other and start after the parallel files end, which do overlap", () => {
    const spans = timeline("test/fixtures/projects/vitest.config.ts");
    const fleet = spans.filter((s) => s.name.startsWith("fleet-"));
    const parallel = spans.filter((s) => s.name.startsWith("parallel-"));
    expect(fleet).toHaveLength(3);
    for (const [a, b] of pairs(fleet)) expect(overlap(a, b), `${a.name} and ${b.name}`).toBe(false);
    expect(Math.min(...fleet.map((s) => s.start))).toBeGreaterThanOrEqual(Math.max(...parallel.map((s) => s.end)));
    // The workers were there to run files side by side: the parallel group did.
    expect(overlap(parallel[0] as Span, parallel[1] as Span)).toBe(true);
  }, 60_000);

  it("under the old single-group config the same fleet files overlapped (what the settings prevent)", () => {
    const fleet = timeline("test/fixtures/projects/control.config.ts").filter((s) => s.name.startsWith("fleet-"));
    expect(pairs(fleet).some(([a, b]) => overlap(a, b))).toBe(true);
  }, 60_000);
});
