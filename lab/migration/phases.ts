import { startLoad, type LoadReport } from "../fleet/loadgen";
import { sleep, type RunResult } from "../fleet/run";
import type { Rehearsal } from "./rehearsal";
import { startWrites, type WriteReport } from "./writes";

/**
 * The rehearsal's phases under traffic, shared by test/e2e/migration.test.ts and `npm run bench`:
 * reads (GET) and writes (POST) through the source edge, where clients whose DNS still points at the
 * old address keep sending.
 */
export interface TrafficSettings {
  reads: { workers: number; rate: number };
  writes: { workers: number; rate: number };
  /** Traffic before the phase starts and after it ends, in ms. */
  marginMs: number;
}

export const defaultTraffic: TrafficSettings = { reads: { workers: 6, rate: 120 }, writes: { workers: 2, rate: 20 }, marginMs: 1000 };

export interface Traffic {
  reads: LoadReport;
  writes: WriteReport;
}

export async function underTraffic<T>(
  lab: Rehearsal,
  settings: TrafficSettings,
  during: () => Promise<T>,
): Promise<{ traffic: Traffic; result: T }> {
  const url = lab.source.edgeUrl;
  // GETs only: every POST to the stand-in app is a write, which the freeze refuses by design; the
  // writes client sends the POSTs (never retried by the edge) and counts accepted, refused and failed.
  const reads = startLoad({
    url,
    ...settings.reads,
    postEvery: 0,
    versionOf: ({ body }) => (JSON.parse(body) as { cloud?: string }).cloud,
  });
  const writes = startWrites({ url: `${url}items`, ...settings.writes });
  let result: T;
  try {
    await sleep(settings.marginMs);
    result = await during();
    await sleep(settings.marginMs * 1.5);
  } finally {
    await reads.stop();
  }
  return { traffic: { reads: await reads.done, writes: await writes.stop() }, result };
}

export interface Switch {
  /** portage-migrate cutover / rollback. */
  db: RunResult;
  /** The source edge's routes: forwarding on (cutover) or off (rollback). */
  edge: RunResult;
  dbSeconds: number;
  /** The database step and the edge switch together. */
  totalSeconds: number;
  /** What `verify` reported inside the step: tables and rows identical on both sides, or null. */
  verified: { tables: number; rows: number } | null;
}

/**
 * `portage-migrate cutover` on a target node, then the source edge forwards to the target edge.
 * `afterDb` runs between the two (a test's look at the databases the moment the tool returned).
 */
export function cutover(lab: Rehearsal, afterDb?: () => Promise<void>): Promise<Switch> {
  return timed(
    () => lab.migrate("target", ["cutover"]),
    () => lab.forward(),
    afterDb,
  );
}

/** `portage-migrate rollback` on a source node, then the source edge serves its own nodes again. */
export function rollback(lab: Rehearsal, afterDb?: () => Promise<void>): Promise<Switch> {
  return timed(
    () => lab.migrate("source", ["rollback"]),
    () => lab.serveLocally(),
    afterDb,
  );
}

async function timed(db: () => Promise<RunResult>, edge: () => Promise<RunResult>, afterDb?: () => Promise<void>): Promise<Switch> {
  const started = performance.now();
  const d = await db();
  const dbSeconds = (performance.now() - started) / 1000;
  if (afterDb) await afterDb();
  // The edge switches only after the database step succeeded: a refused cutover leaves traffic where it was.
  const e = d.code === 0 ? await edge() : { code: -1, stdout: "", stderr: "not switched: the database step failed" };
  const m = /verified (\d+) tables, (\d+) rows: identical on both sides/.exec(d.stdout);
  return {
    db: d,
    edge: e,
    dbSeconds,
    totalSeconds: (performance.now() - started) / 1000,
    verified: m ? { tables: Number(m[1]), rows: Number(m[2]) } : null,
  };
}
