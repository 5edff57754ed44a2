import type { AgentResults } from "../agent";
import type { DeployResults, DeployRun } from "../deploy";
import { ratioToDirect, type EdgeResults, type EdgeRun, type EdgeTarget } from "../edge";
import type { MigrationResults } from "../migration";
import type { RegionsResults } from "../regions";
import type { RolloutResults } from "../rollout";
import type { ScaleResults } from "../scale";
import type { MachineFacts } from "./machine";
import { median, round } from "./stats";

/** What results.json holds, and the tables `npm run bench` prints (Markdown: the README shows the same). */
export interface Results {
  generatedAt: string;
  mode: "full" | "quick";
  totalSeconds: number;
  machine: MachineFacts;
  edge?: EdgeResults;
  deploy?: DeployResults;
  rollout?: RolloutResults;
  agent?: AgentResults;
  regions?: RegionsResults;
  scale?: ScaleResults;
  migration?: MigrationResults;
  targets: Target[];
}

export interface Target {
  benchmark: string;
  what: string;
  target: string;
  value: string;
  met: boolean;
}

/** A ratio to 2 decimals, or 3 where 2 would show the bound itself (0.3509 is not "0.35"). */
export const beside = (value: number, bound: number): number =>
  round(value, 2) === bound && value !== bound ? round(value, 3) : round(value, 2);

/** Every target of issue 7 that the benchmarks that ran can be held to. */
export function targets(r: Omit<Results, "targets">): Target[] {
  const out: Target[] = [];
  const t = (benchmark: string, what: string, target: string, value: string, met: boolean) =>
    out.push({ benchmark, what, target, value, met });
  if (r.edge) {
    const rps = r.edge.rps.portage / r.edge.rps.seed;
    const cpu = r.edge.cpuUsPerRequest.portage / r.edge.cpuUsPerRequest.seed;
    t("edge", "portage's requests/s vs the seed config's", ">= 3.5x", `${beside(rps, 3.5)}x`, rps >= 3.5);
    t("edge", "portage's CPU per request vs the seed config's", "<= 0.35x", `${beside(cpu, 0.35)}x`, cpu <= 0.35);
    // Issue 14: the hop itself, against the backends served directly in the same rounds.
    const direct = edgeRatios(r.edge).portage;
    t("edge", "portage's requests/s vs direct (same round)", ">= 0.45x", `${direct}x`, direct >= 0.45);
    const us = r.edge.cpuUsPerRequest.portage;
    t("edge", "portage's HAProxy CPU per request", "<= 20 µs", `${us} µs`, us <= 20);
  }
  if (r.deploy) {
    const runs = r.deploy.runs.filter((x) => x.approach === "portage");
    for (const run of runs)
      t(
        "deploy",
        `portage's failed requests, ${backendName(run)}`,
        "0",
        `${run.failed} of ${run.sent}`,
        run.failed === 0 && run.deployExit === 0,
      );
  }
  if (r.rollout) {
    const { batch1, batch3 } = r.rollout.seconds;
    t(
      "rollout",
      "failed requests (batch 1 and batch 3)",
      "0",
      `${r.rollout.failed} of ${r.rollout.runs.reduce((s, x) => s + x.sent, 0)}`,
      r.rollout.failed === 0,
    );
    t(
      "rollout",
      "batch 3's time vs batch 1's",
      "<= 0.5x",
      `${round(batch3 / batch1, 2)}x (${batch3} s vs ${batch1} s)`,
      batch3 <= batch1 / 2,
    );
  }
  if (r.agent) {
    const a = r.agent;
    t(
      "agent",
      "desired version written -> an agent at rest starts it (slowest node)",
      "< 5 s",
      `${a.notice.atRest.max} s`,
      a.notice.atRest.max < 5,
    );
    t(
      "agent",
      `${a.settings.nodes} nodes at ${a.settings.batchSize}: rollout time vs its batches' deploy times`,
      "<= 1.10x",
      `${a.rollout.ratio}x (${a.rollout.seconds} s vs ${a.rollout.sumOfBatches} s)`,
      a.rollout.ratio <= 1.1,
    );
    t("agent", "failed requests during the rollout", "0", `${a.rollout.failed} of ${a.rollout.sent}`, a.rollout.failed === 0);
  }
  if (r.regions) {
    const g = r.regions;
    const share = Math.min(...Object.values(g.inRegionShare));
    t("regions", "requests a healthy region's edges serve in-region", "100%", `${round(share * 100, 2)}%`, share === 1);
    const e = g.edgeFailover;
    const bound = (g.settings.balancerCheck.intervalMs * g.settings.balancerCheck.fall) / 1000 + 0.5;
    t(
      "regions",
      "an edge killed: failed requests",
      `<= ${g.settings.workers} (in flight)`,
      `${e.failed} of ${e.sent}`,
      e.failed <= g.settings.workers,
    );
    t(
      "regions",
      "an edge killed: last failure after the kill",
      `<= ${bound} s`,
      `${e.lastFailureSeconds} s`,
      e.lastFailureSeconds <= bound,
    );
    const f = g.regionFailover;
    t("regions", "a region's nodes all stopped: failed requests", "0", `${f.failed} of ${f.sent}`, f.failed === 0);
  }
  if (r.scale) {
    for (const p of ["aws", "gcp"] as const) {
      const ratio = r.scale.ratio300to30[p];
      t("scale", `${p}: 300 nodes' time vs 30 nodes'`, "<= 12x", `${ratio}x`, ratio <= 12);
      const ms = r.scale.msPerNode[p]["300"] ?? NaN;
      t("scale", `${p}: ms per node at 300 nodes`, "<= 25 ms", `${ms} ms`, ms <= 25);
    }
  }
  if (r.migration) {
    const m = r.migration;
    t(
      "migration",
      "write freeze (longest of cutover, rollback, cutover again)",
      "< 5 s",
      `${m.maxFreezeSeconds} s`,
      m.maxFreezeSeconds < 5,
    );
    const sent = m.phases.reduce((s, p) => s + p.readsSent, 0);
    t("migration", "failed reads during the switches", "0", `${m.failedReads} of ${sent}`, m.failedReads === 0);
    const rows = m.phases.map((p) => p.verifiedRows).join(", ");
    t("migration", "tables identical on both sides at each switch", "all", m.verified ? `all (${rows} rows)` : "NO", m.verified);
    t(
      "migration",
      "failed requests through the forwarding edge",
      "0",
      `${m.forwarding.failed} of ${m.forwarding.sent}`,
      m.forwarding.failed === 0,
    );
  }
  return out;
}

const backendName = (run: DeployRun) => (run.backend === "quick" ? "quick backend" : "100 ms per request");

/** Results written before the ratio was stored have the runs it is computed from. */
const edgeRatios = (e: EdgeResults) =>
  e.ratioToDirect ?? { portage: ratioToDirect(e.runs, "portage"), seed: ratioToDirect(e.runs, "seed") };

/** A Markdown table, padded so it also reads well in a terminal. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const n = (v: number) => Math.round(v).toLocaleString("en-US");
const s = (v: number | null) => (v === null ? "never" : `${v.toFixed(1)} s`);
const after = (a: number | null, b: number | null) => (a === null || b === null ? "never" : `${(a - b).toFixed(1)} s`);

/** A bold title, a blank line and the table: Markdown that reads as well in a terminal. */
const section = (title: string, body: string) => `**${title}**\n\n${body}\n`;

/** Every figure, section by section, then the targets. */
export function formatResults(r: Results): string {
  const m = r.machine;
  const parts: string[] = [
    `${r.mode === "full" ? "Full run" : "Quick run (--quick)"} of ${r.generatedAt.slice(0, 10)}, ${r.totalSeconds} s: ${m.cores} cores (${m.cpuModel}), ` +
      `${m.memoryGiB} GiB, ${m.os}, load average ${m.loadAverageBefore.join(" / ")} before it; HAProxy ${m.versions.haproxy}, ` +
      `wrk ${m.versions.wrk}, Elixir ${m.versions.elixir} (OTP ${m.versions.otp}), Node ${m.versions.node}, Pulumi SDK ${m.versions.pulumiSdk}.\n`,
  ];
  if (r.edge) parts.push(edgeSection(r.edge));
  if (r.deploy) parts.push(deploySection(r.deploy));
  if (r.rollout) parts.push(rolloutSection(r.rollout));
  if (r.agent) parts.push(agentSection(r.agent));
  if (r.regions) parts.push(regionsSection(r.regions));
  if (r.scale) parts.push(scaleSection(r.scale));
  if (r.migration) parts.push(migrationSection(r.migration));
  const rows = r.targets.map((x) => [x.benchmark, x.what, x.target, x.value, x.met ? "yes" : "NO"]);
  parts.push(section("Targets", table(["benchmark", "what", "target", "measured", "met"], rows)));
  return parts.join("\n");
}

function edgeSection(e: EdgeResults): string {
  const w = e.settings.wrk;
  // Results written before the balancer hop was measured have three targets.
  const d = e.rps.balancer !== undefined;
  const cell = (value: string) => (d ? [value] : []);
  return section(
    `Edge throughput: wrk -t${w.threads} -c${w.connections} --latency, ${e.settings.rounds} rounds of ${e.settings.seconds} s alternating ${d ? "a/b/c/d" : "a/b/c"}, medians`,
    table(
      ["", "(a) portage", "(b) seed config", "(c) direct", ...cell("(d) balancer + (a)")],
      [
        ["requests/s", n(e.rps.portage), n(e.rps.seed), n(e.rps.direct), ...cell(n(e.rps.balancer ?? NaN))],
        ["vs direct (same round)", `${edgeRatios(e).portage}x`, `${edgeRatios(e).seed}x`, "1x", ...cell(`${e.balancerToPortage}x of (a)`)],
        [
          "p50 latency",
          `${e.latencyMs.p50.portage} ms`,
          `${e.latencyMs.p50.seed} ms`,
          `${e.latencyMs.p50.direct} ms`,
          ...cell(`${e.latencyMs.p50.balancer} ms`),
        ],
        [
          "p99 latency",
          `${e.latencyMs.p99.portage} ms`,
          `${e.latencyMs.p99.seed} ms`,
          `${e.latencyMs.p99.direct} ms`,
          ...cell(`${e.latencyMs.p99.balancer} ms`),
        ],
        [
          "HAProxy CPU per request",
          `${e.cpuUsPerRequest.portage} µs`,
          `${e.cpuUsPerRequest.seed} µs`,
          "-",
          ...cell(`${e.cpuUsPerRequest.balancer} µs (the hop)`),
        ],
        ["wrk errors (all rounds)", n(e.errors.portage), n(e.errors.seed), n(e.errors.direct), ...cell(n(e.errors.balancer ?? 0))],
        ...cpuRows(e, d),
      ],
    ) + layoutNote(e),
  );
}

/**
 * Where each target's CPU went per request (wrk, the proxy, the backends; medians), and how busy
 * the proxy's core and the others were (medians): which side limited the run. Results written
 * before these were measured have none; a machine with one core pins nothing and has no busy row.
 */
function cpuRows(e: EdgeResults, withBalancer: boolean): string[][] {
  const of = (t: EdgeTarget) => e.runs.filter((r) => r.target === t);
  const med = (t: EdgeTarget, f: (r: EdgeRun) => number, digits = 1) => round(median(of(t).map(f)), digits);
  const us = (t: Exclude<EdgeTarget, "balancer">) =>
    `${med(t, (r) => r.clientCpuUs ?? NaN)} + ${t === "direct" ? "0" : med(t, (r) => r.cpuUsPerRequest ?? NaN)} + ${med(t, (r) => r.backendsCpuUs ?? NaN)} µs`;
  const percent = (v: number) => `${Math.round(v * 100)}%`;
  const busy = (t: EdgeTarget) =>
    t === "direct"
      ? `- / ${percent(med(t, (r) => r.busy?.others ?? NaN, 2))}`
      : `${percent(med(t, (r) => r.busy?.edge ?? NaN, 2))} / ${percent(med(t, (r) => r.busy?.others ?? NaN, 2))}`;
  // (d)'s proxy figure is the balancer's alone (the edge behind it is not measured there): left out.
  const more = withBalancer ? ["-"] : [];
  const cpu = ["CPU per request: wrk + proxy + backends", us("portage"), us("seed"), us("direct"), ...more];
  if (!e.runs.some((r) => r.busy)) return e.runs.some((r) => r.clientCpuUs !== undefined) ? [cpu] : [];
  const layout = e.settings.layout;
  return [
    cpu,
    [
      `busy: the proxy's core (${layout?.edge ?? "?"}) / the others (${layout?.others ?? "?"})`,
      busy("portage"),
      busy("seed"),
      busy("direct"),
      ...(withBalancer ? [busy("balancer")] : []),
    ],
  ];
}

/** Where the proxy ran, and (a) and (c) measured once more with nothing pinned, as before that layout. */
function layoutNote(e: EdgeResults): string {
  const layout = e.settings.layout;
  const sh = e.sharedCores;
  if (!layout || !sh) return "";
  return (
    `\n\nThe proxy under test ran alone on core ${layout.edge}, as an edge runs alone on its VM; wrk, the backends and the balancer stand-in on ${layout.others}. ` +
    `With nothing pinned (every process on every core, the edge with one HAProxy thread per core): (a) ${n(sh.portage)} requests/s, ` +
    `(c) ${n(sh.direct)}, (a) over (c) ${sh.ratio}x (same round).`
  );
}

function deploySection(d: DeployResults): string {
  const st = d.settings;
  return section(
    `Zero-downtime deploy: ${st.rate} req/s through the edge for ${st.durationSeconds} s, the switch at ${st.switchAtSeconds} s ` +
      `(quick backend: ${st.workers} workers; 100 ms per request: /slow?ms=${st.slowMs} over ${st.slowWorkers}); times after the switch began`,
    table(
      ["run", "failed", "new ready", "new gets traffic", "= after ready", "old stops", "outage (load clock)", "deploy done"],
      d.runs.map((x) => [
        `${x.approach}, ${backendName(x)}`,
        `${n(x.failed)} of ${n(x.sent)} (${x.failedPercent}%)`,
        after(x.newReadyAt, x.switchAt),
        after(x.newFirstTrafficAt, x.switchAt),
        x.firstTrafficSeconds === null ? "never" : `${x.firstTrafficSeconds.toFixed(1)} s`,
        after(x.oldStoppedAt, x.switchAt),
        x.failed > 0 ? `${s(x.firstFailureAt)} to ${s(x.lastFailureAt)}` : "none",
        after(x.deployDoneAt, x.switchAt),
      ]),
    ),
  );
}

function regionsSection(g: RegionsResults): string {
  const c = g.settings.balancerCheck;
  const e = g.edgeFailover;
  const f = g.regionFailover;
  return section(
    `Regions and edge pairs: ${g.settings.regions}; ${g.settings.rate} req/s over ${g.settings.workers} workers (a quarter POSTs) through a region's balancer (checks every ${c.intervalMs / 1000} s, down after ${c.fall})`,
    table(
      ["what", "measured"],
      [
        ...Object.entries(g.inRegionShare).map(([region, share]) => [
          `${region}'s edges, both regions healthy: served in-region`,
          `${round(share * 100, 2)}%`,
        ]),
        ["one edge of the pair killed: down on the balancer after", `${e.detectedSeconds} s`],
        ["... failed requests (POSTs)", `${n(e.failed)} of ${n(e.sent)} (${e.failedPosts})`],
        ["... last failure after the kill", `${e.lastFailureSeconds} s`],
        ["... connections the dead edge refused (a cloud balancer fails these)", n(e.redispatched)],
        ["all of a region's nodes stopped: its edges on the other region after", `${f.handoverSeconds} s`],
        ["... failed requests", `${n(f.failed)} of ${n(f.sent)}`],
        ["... served by the other region afterwards", `${round(f.servedElsewhere * 100, 1)}%`],
      ],
    ),
  );
}

function rolloutSection(o: RolloutResults): string {
  return section(
    `Rolling deploy of the local fleet: ${o.settings.nodes} nodes, v1 -> v2, ${o.settings.rate} req/s over ${o.settings.workers} workers through the edge`,
    table(
      ["batch size", "rollout time", "each node's deploy", "failed", "p99 latency"],
      o.runs.map((x) => [
        String(x.batchSize),
        `${x.seconds} s`,
        Object.values(x.nodeSeconds)
          .map((v) => `${v} s`)
          .join(", "),
        `${n(x.failed)} of ${n(x.sent)}`,
        `${x.latencyMs.p99} ms`,
      ]),
    ),
  );
}

function agentSection(a: AgentResults): string {
  const st = a.settings;
  return section(
    `Rollout through the bucket: ${st.nodes} nodes, batches of ${st.batchSize}, agents polling every ${st.pollSeconds} s, ${st.rate} req/s through the edge`,
    table(
      ["what", "measured"],
      [
        [
          "desired version written -> agent at rest starts (batch 1)",
          `median ${a.notice.atRest.p50} s, slowest ${a.notice.atRest.max} s (${a.notice.atRest.samples} nodes)`,
        ],
        [
          "same, nodes told their turn comes (later batches)",
          `median ${a.notice.waiting.p50} s, slowest ${a.notice.waiting.max} s (${a.notice.waiting.samples} nodes)`,
        ],
        ["rollout time", `${a.rollout.seconds} s in ${a.rollout.batches} batches`],
        ["each batch's deploy (its slowest node)", a.rollout.batchSeconds.map((x) => `${x} s`).join(", ")],
        ["rollout time / sum of the batches' deploys", `${a.rollout.ratio}x (${a.rollout.sumOfBatches} s)`],
        ["failed requests", `${n(a.rollout.failed)} of ${n(a.rollout.sent)} (p99 ${a.rollout.p99Ms} ms)`],
        [
          "an idle agent's inbox GETs",
          `${a.polling.getsPerNodePerMinute} per minute: $${a.polling.usdPerNodeMonth} per node-month at $0.0004 per 1,000`,
        ],
      ],
    ),
  );
}

function scaleSection(c: ScaleResults): string {
  const rows: string[][] = [];
  for (const p of ["aws", "gcp"] as const) {
    for (const nodes of Object.keys(c.seconds[p])) {
      const other = (mode: "no-source-maps" | "tsx") => {
        const v = c.secondsByMode[mode]?.[p]?.[nodes];
        return v === undefined ? "-" : `${v} s`;
      };
      rows.push([
        p,
        nodes,
        String(c.resources[p][nodes]),
        `${c.seconds[p][nodes]} s`,
        `${c.msPerNode[p][nodes]} ms`,
        `${n(c.maxRssMb[p][nodes] ?? NaN)} MB`,
        other("no-source-maps"),
        other("tsx"),
      ]);
    }
  }
  return section(
    `Stack scale: the program under the mock runtime, ${c.settings.shape}, one child process each`,
    table(
      ["provider", "nodes", "resources", "as npm run plan", "per node", "peak RSS", "source maps off only", "tsx default (source maps on)"],
      rows,
    ),
  );
}

function migrationSection(m: MigrationResults): string {
  const st = m.settings.traffic;
  return section(
    `Cloud migration rehearsal (two local clouds, Postgres logical replication; run of ${m.ranAt.slice(0, 10)}): ` +
      `${st.reads.rate} reads/s and ${st.writes.rate} writes/s through the old edge; the write freeze is how long a write sent then was refused`,
    table(
      ["phase", "write freeze", "database step", "edge switch", "failed reads", "failed writes", "refused writes", "verified"],
      [
        ...m.phases.map((p) => [
          p.phase,
          `${p.freezeSeconds.toFixed(2)} s`,
          `${p.dbSeconds.toFixed(2)} s`,
          `${p.switchSeconds.toFixed(2)} s`,
          `${n(p.readsFailed)} of ${n(p.readsSent)}`,
          `${n(p.writesFailed)} of ${n(p.writesSent)}`,
          n(p.writesRefused),
          `${p.verifiedTables} tables, ${n(p.verifiedRows)} rows identical`,
        ]),
        [
          "forwarding alone",
          "-",
          "-",
          "-",
          "-",
          `${n(m.forwarding.failed)} of ${n(m.forwarding.sent)} requests`,
          "-",
          `${n(m.forwarding.answeredByTarget)} answered by the target`,
        ],
      ],
    ),
  );
}
