import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeLoad } from "../../lab/fleet/loadgen";
import { sleep } from "../../lab/fleet/run";
import { cutover, defaultTraffic, rollback, underTraffic, type Switch, type Traffic } from "../../lab/migration/phases";
import { Rehearsal, type Side } from "../../lab/migration/rehearsal";
import type { WriteReport } from "../../lab/migration/writes";
import { migrateExit } from "../../components/migration";

/**
 * The migration's data plane rehearsed for real: two "clouds" (a fleet each: portage's HAProxy edge,
 * a node running a stand-in app, a Debian PostgreSQL with TLS and password auth as the managed
 * database), joined by a link standing for the VPN. `portage-migrate` runs on a node, as the node
 * agent will run it, with the app's non-superuser role. The app reads and writes through the source
 * edge the whole time: reads (GET) and writes (POST, never retried) are counted separately.
 */

const figures: string[] = [];

describe("migration rehearsal: replicate, cutover, rollback, cutover again", () => {
  let lab: Rehearsal;

  beforeAll(async () => {
    lab = await Rehearsal.create({
      source: { prefix: "pfmga", subnet: "10.79.1", name: "aws" },
      target: { prefix: "pfmgg", subnet: "10.79.2", name: "gcp" },
    });
  }, 600_000);

  afterAll(async () => {
    await lab?.destroy();
    if (figures.length > 0) console.log(`migration rehearsal figures:\n  ${figures.join("\n  ")}`);
  }, 120_000);

  const note = (line: string) => (figures.push(line), console.log(line));

  /** Runs `during` with reads and writes going through the source edge (where DNS still points). */
  async function underLoad<T>(name: string, during: () => Promise<T>): Promise<{ traffic: Traffic; result: T }> {
    const out = await underTraffic(lab, defaultTraffic, during);
    const { reads, writes } = out.traffic;
    note(describeLoad(`${name} reads`, reads));
    note(
      `${name} writes: ${writes.sent} POSTs, ${writes.accepted} accepted, ${writes.refused} refused while frozen, ${writes.failed} failed; ` +
        `write freeze ${writes.freeze ? `${writes.freeze.seconds.toFixed(2)} s` : "none"}`,
    );
    if (writes.failed > 0) console.log(`failed writes: ${JSON.stringify(writes.failures)}`);
    if (reads.failed > 0) console.log(`failed reads: ${JSON.stringify(reads.failureSamples.slice(0, 10))}`);
    return out;
  }

  function printSwitch(label: string, s: Switch) {
    console.log(`${label}: portage-migrate exited ${s.db.code}\n${s.db.stdout}${s.db.stderr}`);
    note(
      `${label}: the database step took ${s.dbSeconds.toFixed(2)} s, with the edge switch ${s.totalSeconds.toFixed(2)} s; ` +
        `verified ${s.verified?.tables} tables, ${s.verified?.rows} rows identical (count and content hash, one snapshot per side)`,
    );
  }

  /**
   * Inserts after the switch never collide with the rows before it: every id the new side handed out
   * is above every id the old side did, and no id was acknowledged twice.
   */
  function expectNoCollision(w: WriteReport, before: string, after: string) {
    const old = w.ids[before] ?? [];
    const fresh = w.ids[after] ?? [];
    expect(old.length).toBeGreaterThan(0);
    expect(fresh.length).toBeGreaterThan(0);
    expect(Math.min(...fresh)).toBeGreaterThan(Math.max(...old));
    expect(new Set([...old, ...fresh]).size).toBe(old.length + fresh.length);
    note(`ids: ${before} handed out up to ${Math.max(...old)}, ${after} from ${Math.min(...fresh)} (sequences set past the other side's)`);
  }

  async function migrate(on: Side, ...args: string[]) {
    const r = await lab.migrate(on, args);
    console.log(`portage-migrate ${args.join(" ")} (on the ${on}'s node) exited ${r.code}\n${r.stdout}${r.stderr}`);
    return r;
  }

  /** Every id the app acknowledged exists in `side`'s database: no accepted write was lost. */
  async function missingIds(side: Side, ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const found = await lab.query(side, `SELECT string_agg(id::text, ',') FROM items WHERE id IN (${ids.join(",")})`);
    const have = new Set(found.split(",").map(Number));
    return ids.filter((id) => !have.has(id));
  }

  it("check refuses a table without a primary key, naming it, unless REPLICA IDENTITY FULL is asked for", async () => {
    const refused = await lab.migrate("target", ["check"], { fullIdentity: false });
    expect(refused.code).toBe(migrateExit.refused);
    expect(refused.stdout).toMatch(/REFUSED: tables without a primary key .*public\.audit_notes/);
    const passed = await migrate("target", "check");
    expect(passed.stdout).toContain("REPLICA IDENTITY FULL will be set on public.audit_notes");
    expect(passed.stdout).toMatch(/role hello \(not a superuser\)/);
    expect(passed.code).toBe(0);
  }, 60_000);

  it("replicate: the target copies every row and follows the source while the app writes through the source edge", async () => {
    const { traffic, result } = await underLoad("replicate", async () => {
      const replicate = await migrate("target", "replicate");
      const wait = await migrate("target", "wait", "120");
      return { replicate, wait, status: await migrate("target", "status") };
    });
    expect(result.replicate.code).toBe(0);
    expect(result.wait.code).toBe(0);
    expect(result.status.stdout).toMatch(/source -> target: subscription portage_forward, lag \d+ bytes/);
    expect(result.status.stdout).toMatch(/items: replicating/);
    expect(result.status.stdout).toMatch(/target: PostgreSQL [\d.]+.*frozen: writes refused/);
    // The source serves on, unfrozen: nothing refused, nothing failed.
    expect(traffic.reads.failed).toBe(0);
    expect(traffic.writes.failed).toBe(0);
    expect(traffic.writes.refused).toBe(0);
    expect(traffic.writes.accepted).toBeGreaterThan(0);
    // The target's copy reaches the rows written during the copy (it is frozen for everything but the replication).
    await sleep(1000);
    expect(await missingIds("target", traffic.writes.ids.aws ?? [])).toEqual([]);
  }, 300_000);

  /**
   * A switch (cutover or rollback, then the source edge's routes) under load: writes refused only in
   * between, reads never fail, every acknowledged write on the side that serves now, tables verified,
   * and after the switch every answer from the app of `to`, with ids above every id `from` handed out.
   */
  async function switchUnderLoad(label: string, step: () => Promise<Switch>, from: string, to: string, serving: Side) {
    const { traffic, result } = await underLoad(label, step);
    printSwitch(label, result);
    expect(result.db.code).toBe(0);
    expect(result.edge.code, result.edge.stderr).toBe(0);
    expect(result.verified?.tables).toBe(2);
    expect(traffic.reads.failed).toBe(0);
    expect(traffic.writes.failed).toBe(0);
    expect(traffic.writes.refused).toBeGreaterThan(0);
    const acknowledged = [...(traffic.writes.ids.aws ?? []), ...(traffic.writes.ids.gcp ?? [])];
    expect(await missingIds(serving, acknowledged)).toEqual([]);
    expect(traffic.reads.byVersion[to]?.lastMs ?? 0).toBeGreaterThan(traffic.reads.byVersion[from]?.lastMs ?? Infinity);
    expectNoCollision(traffic.writes, from, to);
    expect(result.db.stdout).toMatch(new RegExp(`${serving}: sequence public\\.items_id_seq: \\w+ -> \\d+`));
    return traffic;
  }

  /**
   * The moment the tool returns, the side that takes the writes has its follower's subscription: no
   * write made after the unfreeze can miss the replication back (nothing of the tool still in flight).
   */
  const followed = (follower: Side, name: string) => async () => {
    expect(await lab.query(follower, `SELECT count(*) FROM pg_subscription WHERE subname = '${name}'`)).toBe("1");
  };
  const cutoverUnderLoad = (label: string) =>
    switchUnderLoad(label, () => cutover(lab, followed("source", "portage_reverse")), "aws", "gcp", "target");

  it("cutover: writes refused for seconds only, no read fails, data verified, target inserts never collide, old edge forwards", async () => {
    await cutoverUnderLoad("cutover");
    // Run again (a retried stack step), it changes nothing.
    const again = await migrate("target", "cutover");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already cut over: the target serves, the source follows it");
    // The source follows the target: a rollback would lose nothing.
    const status = await migrate("target", "status");
    expect(status.stdout).toMatch(/target -> source: subscription portage_reverse/);
    expect(status.stdout).toMatch(/source: PostgreSQL [\d.]+.*frozen: writes refused/);
  }, 300_000);

  it("the old edge forwards every request to the new one under load with 0 failed, Host and X-Forwarded-For kept", async () => {
    const { traffic } = await underLoad("forwarding", () => sleep(5000));
    expect(traffic.reads.failed).toBe(0);
    expect(traffic.writes.failed).toBe(0);
    expect(traffic.writes.refused).toBe(0);
    expect(Object.keys(traffic.reads.byVersion)).toEqual(["gcp"]);
    expect(Object.keys(traffic.writes.ids)).toEqual(["gcp"]);
    note(`forwarding: ${traffic.reads.sent + traffic.writes.sent} requests through the old edge, all answered by the target`);
    const body = JSON.parse(await get(`${lab.source.edgeUrl}headers`, { host: "app.example.com" })) as {
      cloud: string;
      headers: Record<string, string>;
    };
    expect(body.cloud).toBe("gcp");
    expect(body.headers.host).toBe("app.example.com");
    // The client's address first (added by the source edge), then the source edge's (added by the target edge).
    expect(body.headers["x-forwarded-for"]).toBe(`10.79.1.1, ${lab.source.fleet.edge.address}`);
  }, 120_000);

  it("rollback: writes go back to the source with everything the target took, reads never fail", async () => {
    await switchUnderLoad("rollback", () => rollback(lab, followed("target", "portage_forward")), "gcp", "aws", "source");
    const status = await migrate("source", "status");
    expect(status.stdout).toMatch(/source -> target: subscription portage_forward/);
  }, 300_000);

  it("a verification mismatch stops the cutover naming the table, and gives the source its writes back", async () => {
    // A row changed on the target behind the replication's back (as a superuser skipping the freeze).
    await lab.queryAsAdmin("target", "SET session_replication_role = replica; UPDATE items SET body = 'tampered' WHERE id = 7");
    const r = await migrate("target", "cutover");
    expect(r.code).toBe(migrateExit.tablesDiffer);
    expect(r.stdout).toMatch(/MISMATCH public\.items: source 20\d+ rows hash \w+, target 20\d+ rows hash \w+/);
    expect(r.stderr).toContain("verify found differences: public.items");
    expect(r.stdout).toMatch(/source: writes accepted/);
    const status = await migrate("target", "status");
    expect(status.stdout).toMatch(/source: PostgreSQL [\d.]+.*writes accepted/);
    expect(status.stdout).toMatch(/source -> target: subscription portage_forward/);
    // Repaired the same way, the next cutover goes through.
    await lab.queryAsAdmin("target", "SET session_replication_role = replica; UPDATE items SET body = 'seeded 7' WHERE id = 7");
  }, 120_000);

  it("cutover again after the rollback: same guarantees", async () => {
    await cutoverUnderLoad("cutover again");
  }, 300_000);

  /** What a cancel must leave on the source: no slot (it would keep WAL), no publication, no freeze; writes taken. */
  async function expectSourceAlone() {
    expect(await lab.query("source", "SELECT count(*) FROM pg_replication_slots")).toBe("0");
    expect(await lab.query("source", "SELECT count(*) FROM pg_publication")).toBe("0");
    expect(await lab.query("source", "SELECT count(*) FROM pg_namespace WHERE nspname = 'portage_migrate'")).toBe("0");
    expect(await lab.query("source", "INSERT INTO items (body) VALUES ('after cancel') RETURNING body")).toBe("after cancel");
    expect(await lab.query("target", "SELECT count(*) FROM pg_subscription")).toBe("0");
    expect(await lab.query("target", "SELECT count(*) FROM pg_publication")).toBe("0");
  }

  /** `portage-migrate cancel` while the app reads and writes through the source edge: nothing refused, nothing failed. */
  async function cancelUnderLoad(label: string) {
    const { traffic, result } = await underLoad(label, () => migrate("target", "cancel"));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("cancelled: the source stands alone and takes the writes");
    expect(traffic.reads.failed).toBe(0);
    expect(traffic.writes.failed).toBe(0);
    expect(traffic.writes.refused).toBe(0);
    expect(traffic.writes.accepted).toBeGreaterThan(0);
    await expectSourceAlone();
    return result;
  }

  it("cancel is refused while the target takes the writes: roll back first", async () => {
    const r = await migrate("target", "cancel");
    expect(r.code).toBe(migrateExit.failed);
    expect(r.stderr).toContain("roll back first");
    expect(await lab.query("source", "SELECT count(*) FROM pg_subscription WHERE subname = 'portage_reverse'")).toBe("1");
  }, 60_000);

  it("cancel after a rollback: the replication both ways is gone from both sides, the source never froze, and again it changes nothing", async () => {
    await switchUnderLoad("rollback before cancel", () => rollback(lab, followed("target", "portage_forward")), "gcp", "aws", "source");
    // The rollback left the target's publication for the reverse replication: cancel removes it too.
    expect(await lab.query("target", "SELECT count(*) FROM pg_publication WHERE pubname = 'portage_reverse'")).toBe("1");
    const r = await cancelUnderLoad("cancel after rollback");
    expect(r.stdout).toMatch(/target: subscription portage_forward dropped \(and its slot on the source\)/);
    expect(r.stdout).toMatch(/source stands alone: replication slots, publication portage_forward and freeze triggers removed/);
    const again = await migrate("target", "cancel");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("target: no subscription portage_forward (already dropped)");
    await expectSourceAlone();
  }, 300_000);

  it("cancel after replicate: the source's slot goes, even one its subscription left behind", async () => {
    // A fresh target, as the stack builds it for a new attempt: the same schema, no rows.
    await lab.queryAsAdmin("target", "SET session_replication_role = replica; TRUNCATE items, audit_notes");
    const replicate = await migrate("target", "replicate");
    expect(replicate.code, replicate.stderr).toBe(0);
    expect((await migrate("target", "wait", "120")).code).toBe(0);
    expect(await lab.query("source", "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'portage_forward'")).toBe("1");
    // The subscription dropped while the source was out of reach: its slot stays on the source, keeping WAL.
    for (const statement of ["DISABLE", "SET (slot_name = NONE)"])
      await lab.queryAsAdmin("target", `ALTER SUBSCRIPTION portage_forward ${statement}`);
    await lab.queryAsAdmin("target", "DROP SUBSCRIPTION portage_forward");
    const r = await cancelUnderLoad("cancel after replicate");
    expect(r.stdout).toContain("source: replication slot portage_forward dropped (it kept WAL here)");
  }, 300_000);
});

function get(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve(body));
      })
      .on("error", reject);
  });
}
