import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { busyShare, coreLayout, ratioToDirect, type EdgeRun } from "../../bench/edge";
import { seedConfig, seedConfigDrift, seedConfigFile } from "../../bench/edge/proxies";
import { childrenCpuSeconds, parseWrk } from "../../bench/edge/wrk";
import { benchmarksDoc, renderBenchmarksDoc } from "../../bench/lib/readme";
import { beside, targets, type Results } from "../../bench/lib/report";
import type { RegionsResults } from "../../bench/regions";
import { median } from "../../bench/lib/stats";

/**
 * The benchmarks' pure parts and the shape of the committed results (bench/). No timing is
 * asserted here: figures depend on the machine, and `npm run bench` reports them against the targets.
 */
const root = join(__dirname, "..", "..");

describe("the benchmarks", () => {
  it("read wrk's output: throughput, percentiles in any unit, every kind of error", () => {
    const out = `Running 5s test @ http://127.0.0.1:8080/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.10ms    1.50ms  40.00ms   95.00%
    Req/Sec    27.76k     1.20k   29.00k    80.00%
  Latency Distribution
     50%  950.00us
     75%    1.20ms
     90%    1.80ms
     99%    1.02s
  138785 requests in 5.00s, 12.34MB read
  Socket errors: connect 1, read 2, write 3, timeout 4
  Non-2xx or 3xx responses: 5
Requests/sec:  27757.12
Transfer/sec:      2.47MB
`;
    expect(parseWrk(out)).toEqual({ requests: 138785, seconds: 5, rps: 27757.12, p50Ms: 0.95, p99Ms: 1020, errors: 15 });
    expect(() => parseWrk("Running 5s test")).toThrow(/request count/);
  });

  it("fill in the seed config's placeholders and change nothing else", () => {
    const original = readFileSync(seedConfigFile, "utf8").split("\n");
    const filled = seedConfig("127.0.0.1:8000", ["127.0.0.1:9001", "127.0.0.2:9001", "127.0.0.3:9001"]).split("\n");
    expect(filled).toHaveLength(original.length);
    const changed = original.flatMap((line, i) => (line === filled[i] ? [] : [[line.trim(), filled[i]?.trim()]]));
    expect(changed).toEqual([
      ["bind @LISTEN@", "bind 127.0.0.1:8000"],
      ["server sg @S1@ check", "server sg 127.0.0.1:9001 check"],
      ["server us @S2@ check", "server us 127.0.0.2:9001 check"],
      ["server uk @S3@ check", "server uk 127.0.0.3:9001 check"],
    ]);
  });

  it("keep the seed config identical to ../shared/reference when that is there", () => {
    expect(seedConfigDrift()).toBeUndefined();
  });

  it("compare the edge with direct round by round, so a busy round weighs on both sides of its ratio", () => {
    const run = (round: number, target: EdgeRun["target"], rps: number): EdgeRun => ({
      round,
      target,
      rps,
      requests: rps * 10,
      seconds: 10,
      p50Ms: 1,
      p99Ms: 2,
      errors: 0,
      cpuUsPerRequest: target === "direct" ? null : 15,
    });
    // Round 2 ran while the machine was busy: both its runs are slow, its ratio is not. The ratio of
    // the medians (30,000 / 100,000) would pair round 1's edge with another round's direct run.
    const runs = [run(1, "portage", 30_000), run(1, "direct", 100_000), run(2, "portage", 20_000), run(2, "direct", 40_000)];
    runs.push(run(3, "portage", 60_000), run(3, "direct", 110_000));
    expect(ratioToDirect(runs, "portage")).toBe(0.5);
  });

  it("hold regions to their targets: all in-region while healthy, an edge's death fails at most one request per connection, a region's handover none", () => {
    const regions: RegionsResults = {
      settings: { workers: 8, rate: 400, healthySeconds: 10, regions: "two", balancerCheck: { intervalMs: 1000, fall: 2 } },
      inRegionShare: { virginia: 1, london: 1 },
      edgeFailover: { detectedSeconds: 1.8, lastFailureSeconds: 0.1, sent: 2000, failed: 4, failedPosts: 1, redispatched: 3 },
      regionFailover: { handoverSeconds: 1.7, sent: 1800, failed: 0, servedElsewhere: 0.9 },
    };
    const of = (r: RegionsResults) =>
      targets({ generatedAt: "", mode: "quick", totalSeconds: 0, machine: {} as Results["machine"], regions: r }).map((t) => t.met);
    expect(of(regions)).toEqual([true, true, true, true]);
    expect(of({ ...regions, inRegionShare: { virginia: 1, london: 0.999 } })).toEqual([false, true, true, true]);
    expect(of({ ...regions, edgeFailover: { ...regions.edgeFailover, failed: 9, lastFailureSeconds: 2.6 } })).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect(of({ ...regions, regionFailover: { ...regions.regionFailover, failed: 1 } })).toEqual([true, true, true, false]);
  });

  it("read wrk's CPU from bash's times (the children's line), and refuse output without it", () => {
    expect(childrenCpuSeconds("0m0.004s 0m0.001s\n0m1.250s 1m2.500s\n")).toBe(63.75);
    expect(() => childrenCpuSeconds("0m0.004s 0m0.001s\n")).toThrow(/children's line/);
  });

  it("give the proxy under test the last core alone and everything else the rest, as an edge VM has its cores to itself", () => {
    expect(coreLayout(2)).toEqual({ edge: "1", others: "0", all: "0-1", otherCount: 1 });
    expect(coreLayout(8)).toEqual({ edge: "7", others: "0-6", all: "0-7", otherCount: 7 });
    // One core: nothing to pin, every process shares it (the results say so in a note).
    expect(coreLayout(1)).toBeUndefined();
  });

  it("count a side's busy share as its CPU seconds over the run's wall seconds, spread over its cores", () => {
    // 9.8 s of CPU in a 10 s run on one core: 98% busy; 14 s over 7 cores in 10 s: 20%.
    expect(busyShare(9.8, 10, 1)).toBe(0.98);
    expect(busyShare(14, 10, 7)).toBe(0.2);
  });

  it("show a ratio with a third decimal only where two would print the bound a missed target was held to", () => {
    // 13.3 / 37.9 = 0.3509: over 0.35, so "0.35x" beside "NO" would read as a contradiction.
    expect(beside(13.3 / 37.9, 0.35)).toBe(0.351);
    expect(beside(0.35, 0.35)).toBe(0.35);
    expect(beside(2.958, 3.5)).toBe(2.96);
  });

  it("take medians of odd and even counts", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("reproduce the seed article's deploy script with shellcheck's only objections being the article's own", () => {
    expect(() => execFileSync("shellcheck", [join(root, "bench", "deploy", "seed", "deploy.sh")], { encoding: "utf8" })).not.toThrow();
  });

  it("commit results with every figure issues 7 and 14 ask for", () => {
    const file = join(root, "bench", "results.json");
    expect(existsSync(file)).toBe(true);
    const r = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const at = (path: string) => path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], r);
    const paths = [
      ...["portage", "seed", "direct"].map((t) => `edge.rps.${t}`),
      ...["portage", "seed"].flatMap((t) => [
        `edge.cpuUsPerRequest.${t}`,
        `deploy.failed.${t}`,
        `deploy.failedInFlight.${t}`,
        `deploy.firstTrafficSeconds.${t}`,
      ]),
      "rollout.seconds.batch1",
      "rollout.seconds.batch3",
      "rollout.failed",
      "edge.rps.balancer",
      "edge.cpuUsPerRequest.balancer",
      "edge.ratioToDirect.portage",
      "regions.inRegionShare.virginia",
      "regions.edgeFailover.detectedSeconds",
      "regions.edgeFailover.failed",
      "regions.regionFailover.failed",
      ...["aws", "gcp"].flatMap((p) => ["3", "30", "300"].flatMap((n) => [`scale.seconds.${p}.${n}`, `scale.resources.${p}.${n}`])),
    ];
    expect(paths.filter((p) => typeof at(p) !== "number")).toEqual([]);
  });

  it("commit the migration rehearsal's figures issue 11 asks for: write freeze, failed reads, verification, forwarding", () => {
    const r = JSON.parse(readFileSync(join(root, "bench", "results.json"), "utf8")) as Results;
    const m = r.migration;
    expect(m?.phases.map((p) => p.phase)).toEqual(["cutover", "rollback", "cutover again"]);
    for (const p of m?.phases ?? []) {
      expect(p.freezeSeconds).toBeGreaterThan(0);
      expect(p.verifiedTables).toBeGreaterThan(0);
      expect(p.readsSent).toBeGreaterThan(0);
    }
    expect(typeof m?.failedReads).toBe("number");
    expect(m?.forwarding.sent).toBeGreaterThan(0);
    expect(r.targets.filter((t) => t.benchmark === "migration").map((t) => t.target)).toEqual(["< 5 s", "0", "all", "0"]);
  });

  it("show the committed results in the README's tables (npm run bench writes both)", () => {
    const results = JSON.parse(readFileSync(join(root, "bench", "results.json"), "utf8")) as Results;
    const doc = readFileSync(benchmarksDoc, "utf8");
    expect(renderBenchmarksDoc(doc, results)).toBe(doc);
  });
});
