import { removeNetwork } from "../lab/fleet/network";
import { cutover, defaultTraffic, rollback, underTraffic, type Switch, type TrafficSettings } from "../lab/migration/phases";
import { Rehearsal } from "../lab/migration/rehearsal";
import { withCleanup } from "./lib/cleanup";
import { round } from "./lib/stats";

/**
 * The migration rehearsal (lab/migration) measured: replicate, then cutover, rollback and cutover
 * again, each under reads and writes through the source edge. The write freeze is how long a write
 * sent through the edge was refused; the database step and the edge switch are timed on their own.
 */
export interface MigrationSettings {
  traffic: TrafficSettings;
  /** Forwarding measured alone, after the last cutover. */
  forwardingSeconds: number;
}

export const migrationSettings = (): MigrationSettings => ({ traffic: defaultTraffic, forwardingSeconds: 10 });

/** Networks of the benchmark's own, beside the e2e test's (10.79.1, 10.79.2). */
const network = {
  source: { prefix: "pbmga", subnet: "10.79.11", name: "aws" },
  target: { prefix: "pbmgg", subnet: "10.79.12", name: "gcp" },
};

export interface MigrationPhase {
  phase: "cutover" | "rollback" | "cutover again";
  freezeSeconds: number;
  dbSeconds: number;
  switchSeconds: number;
  readsSent: number;
  readsFailed: number;
  writesSent: number;
  writesRefused: number;
  writesFailed: number;
  verifiedTables: number;
  verifiedRows: number;
}

export interface MigrationResults {
  /** When this section ran (it may be merged into a results.json of another run: see bench/run.ts --merge). */
  ranAt: string;
  settings: MigrationSettings;
  phases: MigrationPhase[];
  forwarding: { sent: number; failed: number; answeredByTarget: number };
  maxFreezeSeconds: number;
  failedReads: number;
  /** Every verification inside the steps found both sides identical. */
  verified: boolean;
}

export async function migrationBenchmark(settings: MigrationSettings, log: (line: string) => void): Promise<MigrationResults> {
  let lab: Rehearsal | undefined;
  const cleanup = async () => {
    if (lab) await lab.destroy();
    else for (const c of [network.source, network.target]) await removeNetwork(c);
  };
  return withCleanup(cleanup, async () => {
    log("migration: starting two local clouds (a fleet and a Postgres each)");
    lab = await Rehearsal.create(network);
    const r = lab;
    const replicate = await r.migrate("target", ["replicate"]);
    const caughtUp = await r.migrate("target", ["wait", "300"]);
    if (replicate.code !== 0 || caughtUp.code !== 0) throw new Error(`replicate failed: ${replicate.stderr}${caughtUp.stderr}`);
    const phases: MigrationPhase[] = [];
    const measure = async (phase: MigrationPhase["phase"], step: () => Promise<Switch>) => {
      const { traffic, result } = await underTraffic(r, settings.traffic, step);
      if (result.db.code !== 0 || result.edge.code !== 0) throw new Error(`${phase} failed: ${result.db.stderr}${result.edge.stderr}`);
      const p: MigrationPhase = {
        phase,
        freezeSeconds: traffic.writes.freeze?.seconds ?? 0,
        dbSeconds: round(result.dbSeconds, 2),
        switchSeconds: round(result.totalSeconds - result.dbSeconds, 2),
        readsSent: traffic.reads.sent,
        readsFailed: traffic.reads.failed,
        writesSent: traffic.writes.sent,
        writesRefused: traffic.writes.refused,
        writesFailed: traffic.writes.failed,
        verifiedTables: result.verified?.tables ?? 0,
        verifiedRows: result.verified?.rows ?? 0,
      };
      log(
        `migration ${phase}: writes refused for ${p.freezeSeconds} s (database step ${p.dbSeconds} s, edge switch ${p.switchSeconds} s), ` +
          `${p.readsFailed}/${p.readsSent} reads and ${p.writesFailed}/${p.writesSent} writes failed, verified ${p.verifiedTables} tables, ${p.verifiedRows} rows`,
      );
      phases.push(p);
    };
    await measure("cutover", () => cutover(r));
    await measure("rollback", () => rollback(r));
    await measure("cutover again", () => cutover(r));
    const alone = await underTraffic(r, settings.traffic, () => new Promise((done) => setTimeout(done, settings.forwardingSeconds * 1000)));
    const forwarding = {
      sent: alone.traffic.reads.sent + alone.traffic.writes.sent,
      failed: alone.traffic.reads.failed + alone.traffic.writes.failed + alone.traffic.writes.refused,
      answeredByTarget: (alone.traffic.reads.byVersion.gcp?.count ?? 0) + (alone.traffic.writes.ids.gcp?.length ?? 0),
    };
    log(`migration forwarding: ${forwarding.failed}/${forwarding.sent} failed, ${forwarding.answeredByTarget} answered by the target`);
    return {
      ranAt: new Date().toISOString(),
      settings,
      phases,
      forwarding,
      maxFreezeSeconds: Math.max(...phases.map((p) => p.freezeSeconds)),
      failedReads: phases.reduce((s, p) => s + p.readsFailed, 0),
      verified: phases.every((p) => p.verifiedTables > 0),
    };
  });
}
