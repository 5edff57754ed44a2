import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { edgeForwardRoutesFiles, migrationEnv, migrationToolFile } from "../../components/migration";
import { envFile } from "../../components/node/env";
import { Fleet, type FleetNode } from "../fleet/fleet";
import { app } from "../fleet/fleet-settings";
import { createHost, exec, writeFile, type Host } from "../fleet/host";
import { bridgeAddress, bridgeName, createNamespace, namespaceName } from "../fleet/network";
import { must, run, waitFor, type RunResult } from "../fleet/run";
import { installShim } from "../fleet/shim";
import { createCa, postgresBin, psql, startDatabase, type LabDatabase } from "./postgres";

/**
 * The migration rehearsal: two "clouds", each a local fleet (an edge with portage's HAProxy config and
 * a node) on its own bridge and /24, plus a Postgres host standing for its managed database. A veth
 * between the two bridges and a route in every host stand for the site-to-site VPN. Each node runs the
 * stand-in app against its own cloud's database and has `portage-migrate` installed; the source edge
 * is switched to forward to the target edge by `portage-edge-apply`, as the release component would.
 */
export type Side = "source" | "target";

export interface Cloud {
  name: string;
  fleet: Fleet;
  db: LabDatabase;
  node: FleetNode;
  edgeUrl: string;
}

export interface RehearsalOptions {
  /** Two fleet prefixes (at most 8 characters each) and their /24s, e.g. ["pfmga", "10.79.1"]. */
  source: { prefix: string; subnet: string; name: string };
  target: { prefix: string; subnet: string; name: string };
  keepWorkDir?: boolean;
}

const appUnit = "standin-app.service";

export class Rehearsal {
  private constructor(
    readonly source: Cloud,
    readonly target: Cloud,
    private readonly workDir: string,
    private readonly keepWorkDir: boolean,
  ) {}

  static async create(opts: RehearsalOptions): Promise<Rehearsal> {
    postgresBin(); // a clear error when PostgreSQL is missing, before anything is built
    if ((await run("/usr/bin/python3", ["-c", "import psycopg2"])).code !== 0)
      throw new Error("the rehearsal's stand-in app needs Debian's python3-psycopg2: run bin/setup-test-machine");
    const workDir = `/tmp/portage-migration-${opts.source.prefix}`;
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    await createCa(workDir);
    const fleets: Fleet[] = [];
    try {
      for (const c of [opts.source, opts.target]) {
        fleets.push(await Fleet.create({ prefix: c.prefix, subnet: c.subnet, nodes: 1, keepWorkDir: opts.keepWorkDir }));
      }
      const [sourceFleet, targetFleet] = fleets as [Fleet, Fleet];
      const dbs = [await databaseHost(sourceFleet), await databaseHost(targetFleet)];
      await joinNetworks(sourceFleet, targetFleet);
      const clouds = await Promise.all(
        [opts.source, opts.target].map(async (c, i) => {
          const fleet = fleets[i]!;
          const db = await startDatabase(dbs[i]!, workDir);
          return { name: c.name, fleet, db, node: fleet.nodes[0]!, edgeUrl: fleet.edgeUrl };
        }),
      );
      const r = new Rehearsal(clouds[0]!, clouds[1]!, workDir, opts.keepWorkDir ?? false);
      await r.seed();
      for (const c of clouds) await r.startApp(c);
      for (const c of clouds) await r.installTool(c);
      await Promise.all(clouds.map((c) => r.waitForApp(c)));
      return r;
    } catch (e) {
      for (const f of fleets) await f.destroy();
      if (!opts.keepWorkDir) rmSync(workDir, { recursive: true, force: true });
      throw e;
    }
  }

  cloud(side: Side): Cloud {
    return side === "source" ? this.source : this.target;
  }

  /** The app's schema and some history on the source: a table with a bigserial key and one without a primary key. */
  private async seed(): Promise<void> {
    await psql(this.source.db.url, [
      "CREATE TABLE items (id bigserial PRIMARY KEY, body text NOT NULL, amount numeric(12, 2), at timestamptz NOT NULL DEFAULT now(), tags jsonb)",
      "CREATE TABLE audit_notes (at timestamptz NOT NULL DEFAULT now(), note text)",
      "INSERT INTO items (body, amount, tags) SELECT 'seeded ' || g, g / 7.0, jsonb_build_object('g', g) FROM generate_series(1, 20000) g",
      "INSERT INTO audit_notes (note) SELECT 'note ' || g FROM generate_series(1, 500) g",
    ]);
  }

  private async startApp(c: Cloud): Promise<void> {
    const host = c.node.host;
    await writeFile(host, "/opt/standin/app.py", readFileSync(join(__dirname, "standin-app.py"), "utf8"), 0o755);
    const env = envFile(
      [
        ["STANDIN_CLOUD", c.name],
        ["PORT", app.ports[0]],
        ["DATABASE_URL", c.db.url],
      ],
      "the stand-in app's environment",
    );
    await writeFile(host, "/etc/standin/env", env, 0o600);
    await writeFile(
      host,
      `/etc/systemd/system/${appUnit}`,
      ["[Service]", "Type=simple", "EnvironmentFile=/etc/standin/env", "ExecStart=/usr/bin/python3 /opt/standin/app.py", ""].join("\n"),
    );
    const r = await exec(host, "systemctl", ["start", appUnit]);
    if (r.code !== 0) throw new Error(`${c.name}: the stand-in app did not start: ${r.stderr}`);
  }

  private async waitForApp(c: Cloud): Promise<void> {
    await waitFor(
      `${c.name}'s edge to serve the stand-in app`,
      async () => {
        const res = await fetch(`${c.edgeUrl}ping`).catch(() => undefined);
        return res?.ok ? true : undefined;
      },
      60_000,
      250,
    );
  }

  /** portage-migrate on both nodes, with both databases' URLs in a root-only env file (never on a command line). */
  private async installTool(c: Cloud): Promise<void> {
    const tool = migrationToolFile();
    await writeFile(c.node.host, tool.path, tool.content, parseInt(tool.mode, 8));
    const env = migrationEnv({
      source: this.source.db.url,
      target: this.target.db.url,
      sourceSubscriber: this.source.db.subscriberUrl,
      targetSubscriber: this.target.db.subscriberUrl,
      fullIdentity: true,
    });
    await writeFile(c.node.host, "/etc/portage/migrate.env", envFile(Object.entries(env), "portage-migrate's databases"), 0o600);
  }

  /** `portage-migrate <args>` on a node of `on`'s fleet, as the node agent would run it. */
  migrate(on: Side, args: string[], opts: { fullIdentity?: boolean; timeoutMs?: number } = {}): Promise<RunResult> {
    const identity = opts.fullIdentity === false ? "PORTAGE_MIGRATE_FULL_IDENTITY=0; " : "";
    return exec(
      this.cloud(on).node.host,
      "bash",
      ["-c", `set -a; . /etc/portage/migrate.env; ${identity}set +a; exec portage-migrate "$@"`, "portage-migrate", ...args],
      { timeoutMs: opts.timeoutMs ?? 300_000 },
    );
  }

  /** The source edge sends every request to the target edge (portage-edge-apply: validated, hitless reload). */
  forward(): Promise<RunResult> {
    const [file] = edgeForwardRoutesFiles(this.source.fleet.routes(this.source.fleet.nodes), { address: this.target.fleet.edge.address });
    return exec(this.source.fleet.edge, "portage-edge-apply", [], { input: file!.content, timeoutMs: 120_000 });
  }

  /** The source edge serves its own nodes again. */
  serveLocally(): Promise<RunResult> {
    return this.source.fleet.applyRoutes(this.source.fleet.nodes);
  }

  /** One query on a side's database, as the app's role. */
  query(side: Side, sql: string): Promise<string> {
    return psql(this.cloud(side).db.url, [sql]).then((s) => s.trim());
  }

  /** One query as the side's subscription role (the superuser stand-in): what a test uses to damage data on purpose. */
  queryAsAdmin(side: Side, sql: string): Promise<string> {
    return psql(this.cloud(side).db.subscriberUrl, [sql]).then((s) => s.trim());
  }

  async destroy(): Promise<void> {
    for (const c of [this.target, this.source]) await c.fleet.destroy();
    if (!this.keepWorkDir) rmSync(this.workDir, { recursive: true, force: true });
  }
}

/** The cloud's managed database: a host of its own on the fleet's bridge, at .5. */
async function databaseHost(fleet: Fleet): Promise<Host> {
  const address = `${fleet.plan.subnet}.5`;
  const netns = await createNamespace(fleet.plan, "db", address);
  const host = await createHost({
    name: "db",
    address,
    netns,
    dir: join(fleet.workDir, "hosts", "db"),
    dnsServer: bridgeAddress(fleet.plan),
  });
  await installShim(host);
  return host;
}

/**
 * The VPN's stand-in: a veth joining the two bridges, and in every host a route to the other cloud's
 * /24 over its own link. Named with the source prefix, so the source fleet's clean-up removes it.
 */
async function joinNetworks(a: Fleet, b: Fleet): Promise<void> {
  const ends = [`${a.plan.prefix}-vpn`, `${b.plan.prefix}-vpn`] as const;
  await run("ip", ["link", "del", ends[0]]);
  await run("ip", ["link", "del", ends[1]]);
  await must("ip", ["link", "add", ends[0], "type", "veth", "peer", "name", ends[1]]);
  await must("ip", ["link", "set", ends[0], "master", bridgeName(a.plan), "up"]);
  await must("ip", ["link", "set", ends[1], "master", bridgeName(b.plan), "up"]);
  for (const [fleet, other] of [
    [a, b],
    [b, a],
  ] as const) {
    const hosts = ["edge", ...fleet.nodes.map((n) => n.name), "db"];
    for (const h of hosts)
      await must("ip", ["-n", namespaceName(fleet.plan, h), "route", "add", `${other.plan.subnet}.0/24`, "dev", "eth0"]);
  }
}
