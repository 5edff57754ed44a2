import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  edgeFiles,
  edgeRoutesFiles,
  edgeUserData,
  nodeFiles,
  nodeUserData,
  type EdgeRoutes,
  type EdgeRuntime,
  type NodeRuntime,
} from "../../components/node";
import {
  runRollout,
  s3Bucket,
  type BatchSize,
  type RolloutBucket,
  type RolloutFailed,
  type RolloutOutcome,
} from "../../components/rollout";
import { startBucketStandIn, type BucketStandIn } from "../bucket/standin";
import { applyUserData } from "./cloud-init";
import { adminPort, app, bucket, bucketRegion, releasePrefix, runtimes, writeAppSettings, zone } from "./fleet-settings";
import { startDns, type Dns } from "./dns";
import { serverStats, type ServerStat } from "./haproxy-api";
import { createHost, exec, pathOnMachine, readFile, waitForUnit, type Host } from "./host";
import { bridgeAddress, createBridge, createNamespace, killNamespace, removeNetwork, type NetworkPlan } from "./network";
import type { BuiltRelease } from "./release";
import { run, waitFor, type RunResult } from "./run";
import { installShim } from "./shim";

/**
 * The local fleet: an edge and N nodes as hosts on a private bridge, a DNS zone, and a `file` store
 * (a directory) holding the secrets and the releases. Each host gets portage's own user-data files
 * and runs them: the nodes' portage-boot / portage-deploy and the edge's HAProxy config, for real.
 */
export interface FleetOptions {
  /** Names of namespaces and links start with it (at most 8 characters). Default "pfe2e". */
  prefix?: string;
  /** A /24 nobody else on the machine uses, as three octets. Default "10.77.0". */
  subnet?: string;
  nodes?: number;
  /** portage-deploy's health timeout (rollout.healthTimeoutSeconds). Default 20. */
  healthTimeoutSeconds?: number;
  /** Published and pointed at before the nodes boot: they come up serving it, as a replaced node would. */
  initialRelease?: BuiltRelease;
  /** Keep the work directory (logs, overlays) after destroy(), for a post-mortem. */
  keepWorkDir?: boolean;
  /**
   * The nodes run portage-agent and `roll` deploys through the bucket, as `pulumi up` does: the
   * bucket is the S3 stand-in (lab/bucket) on the bridge, which the nodes reach by curl with SigV4
   * and IMDSv2 credentials, and the stack's side by the AWS SDK. Without it, the fleet is as before.
   */
  agent?: { pollSeconds?: number };
  /** The app's own settings and secrets, as the store entries the stack writes (needs `agent`). */
  appSettings?: { env: Record<string, string>; secrets: Record<string, string> };
}

export interface FleetNode {
  host: Host;
  name: string;
  address: string;
  runtime: NodeRuntime;
}

/** The machine must have these (bin/setup-test-machine installs them); the benchmarks check them up front too. */
export const requiredCommands = [
  "ip",
  "nsenter",
  "unshare",
  "mount",
  "setpriv",
  "prlimit",
  "hostname",
  "dnsmasq",
  "haproxy",
  "socat",
  "curl",
  "flock",
  "useradd",
  "mix",
];

export class Fleet {
  readonly edgeUrl: string;
  private constructor(
    readonly plan: NetworkPlan,
    readonly workDir: string,
    readonly storeDir: string,
    readonly dns: Dns,
    readonly edge: Host,
    readonly edgeRuntime: EdgeRuntime,
    readonly nodes: FleetNode[],
    private readonly keepWorkDir: boolean,
    /** The S3 stand-in and the stack's client of it (agent fleets). */
    readonly standIn?: BucketStandIn,
    readonly bucket?: RolloutBucket,
  ) {
    this.edgeUrl = `http://${edge.address}/`;
  }

  static async create(opts: FleetOptions = {}): Promise<Fleet> {
    await checkMachine();
    const plan: NetworkPlan = { prefix: opts.prefix ?? "pfe2e", subnet: opts.subnet ?? "10.77.0" };
    const workDir = `/tmp/portage-fleet-${plan.prefix}`;
    // Leftovers of a crashed run: its namespaces (and their processes), its bridge, its dnsmasq
    // (found through the pid file in the old work directory, so that one goes last).
    await removeNetwork(plan);
    const dnsDir = join(workDir, "dns");
    mkdirSync(dnsDir, { recursive: true });
    const edgeAddress = `${plan.subnet}.2`;
    const nodeAddresses = Array.from({ length: opts.nodes ?? 3 }, (_, i) => `${plan.subnet}.${11 + i}`);
    await createBridge(plan);
    let dns: Dns | undefined;
    let standIn: BucketStandIn | undefined;
    try {
      dns = await startDns({
        address: bridgeAddress(plan),
        zone,
        dir: dnsDir,
        records: { [`nodes.${zone}`]: nodeAddresses, [`edge.${zone}`]: [edgeAddress] },
      });
      for (const entry of readdirSync(workDir)) if (entry !== "dns") rmSync(join(workDir, entry), { recursive: true, force: true });
      const storeDir = join(workDir, "store");
      if (opts.agent)
        standIn = await startBucketStandIn({ dir: join(storeDir, "releases"), host: bridgeAddress(plan), region: bucketRegion });
      const rt = runtimes(
        storeDir,
        opts.healthTimeoutSeconds ?? 20,
        standIn && { ...opts.agent, standIn: standIn.url, appSettings: opts.appSettings !== undefined },
      );
      if (opts.appSettings) writeAppSettings(storeDir, opts.appSettings);
      const newHost = async (name: string, address: string) => {
        const netns = await createNamespace(plan, name, address);
        const host = await createHost({ name, address, netns, dir: join(workDir, "hosts", name), dnsServer: bridgeAddress(plan) });
        await installShim(host);
        return host;
      };
      const edge = await newHost("edge", edgeAddress);
      const nodes: FleetNode[] = [];
      for (const [i, address] of nodeAddresses.entries()) {
        const name = `local-${i + 1}`;
        nodes.push({ host: await newHost(name, address), name, address, runtime: rt.node(name, address) });
      }
      const client = standIn && s3Bucket({ bucket, region: bucketRegion, endpoint: standIn.url, credentials: standIn.operator });
      const fleet = new Fleet(plan, workDir, storeDir, dns, edge, rt.edge, nodes, opts.keepWorkDir ?? false, standIn, client);
      await fleet.boot(opts.initialRelease);
      return fleet;
    } catch (e) {
      // Nothing may outlive a failed start; the work directory stays for its logs.
      await standIn?.close();
      await dns?.stop();
      await removeNetwork(plan);
      throw new Error(`the local fleet did not start (logs kept in ${workDir}): ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * First boot, in the order a new stack brings it up: the edge (its user-data, then the routes
   * pushed by portage-edge-apply), then the nodes' user-data, whose portage-boot deploys the
   * pointer's release when there is one.
   */
  private async boot(initialRelease: BuiltRelease | undefined): Promise<void> {
    await applyUserData(this.edge, edgeUserData(this.edgeRuntime), edgeFiles(this.edgeRuntime));
    await this.waitForBoot(this.edge, "portage-edge-boot.service");
    const routes = await this.applyRoutes(this.nodes);
    if (routes.code !== 0) throw new Error(`portage-edge-apply failed: ${routes.stderr}`);
    if (initialRelease) {
      this.publish(initialRelease);
      this.setPointer(initialRelease);
    }
    await Promise.all(this.nodes.map((n) => applyUserData(n.host, nodeUserData(n.runtime), nodeFiles(n.runtime))));
    await Promise.all(this.nodes.map((n) => this.waitForBoot(n.host, "portage-boot.service")));
  }

  /** Puts a release tarball in the bucket (what the release component uploads). */
  publish(release: BuiltRelease): void {
    copyFileSync(release.tarball, join(this.storeDir, "releases", bucket, `${releasePrefix}${app.name}-${release.version}.tar.gz`));
  }

  /** The bucket's `releases/current`: what booting nodes deploy. */
  setPointer(release: BuiltRelease): void {
    writeFileSync(join(this.storeDir, "releases", bucket, `${releasePrefix}current`), `${release.version} ${release.sha256}\n`);
  }

  /** `portage-deploy <version> <sha256>` on one node, as the rollout's remote command runs it. */
  deploy(node: FleetNode, release: BuiltRelease): Promise<RunResult> {
    return exec(node.host, "portage-deploy", [release.version, release.sha256], { timeoutMs: 600_000 });
  }

  /**
   * What the release component does: the tarball into the bucket, portage-deploy on the nodes in
   * batches (a batch starts when the previous one succeeded; a failure stops the rollout), and the
   * pointer only after every node succeeded.
   */
  async rollout(release: BuiltRelease, batchSize = 1): Promise<{ node: string; result: RunResult; seconds: number }[]> {
    this.publish(release);
    const results: { node: string; result: RunResult; seconds: number }[] = [];
    for (let i = 0; i < this.nodes.length; i += batchSize) {
      const batch = this.nodes.slice(i, i + batchSize);
      const done = await Promise.all(
        batch.map(async (node) => {
          const started = Date.now();
          const result = await this.deploy(node, release);
          return { node: node.name, result, seconds: (Date.now() - started) / 1000 };
        }),
      );
      results.push(...done);
      if (done.some((d) => d.result.code !== 0)) return results;
    }
    this.setPointer(release);
    return results;
  }

  /**
   * What `pulumi up` does with the agent (components/rollout): the tarball into the bucket, the
   * rollout through the bucket (migration, then batches), the pointer only after it succeeded.
   * Resolves with the outcome, or with the error the rollout stopped with.
   */
  async roll(
    release: BuiltRelease,
    opts: { batchSize?: BatchSize; migrate?: string | null; pollSeconds?: number; log?: (line: string) => void } = {},
  ): Promise<{ outcome: RolloutOutcome; error?: RolloutFailed }> {
    if (!this.bucket) throw new Error("roll() needs a fleet created with `agent`");
    this.publish(release);
    const log = opts.log ?? (() => undefined);
    try {
      const outcome = await runRollout(
        this.bucket,
        {
          version: release.version,
          sha256: release.sha256,
          nodes: this.nodes.map((n) => n.name),
          batchSize: opts.batchSize ?? 1,
          ...(opts.migrate === null ? {} : { migrate: { command: opts.migrate ?? "" } }),
          ...(opts.pollSeconds ? { pollSeconds: opts.pollSeconds } : {}),
          timeouts: { pickupSeconds: 120, deploySeconds: 600, migrateSeconds: 300 },
        },
        { log, checkEveryMs: 250 },
      );
      this.setPointer(release);
      return { outcome };
    } catch (e) {
      const error = e as RolloutFailed;
      if (!error.outcome) throw e;
      return { outcome: error.outcome, error };
    }
  }

  /** Changes the app's settings and secrets in the store, as `pulumi up` does before it rolls them out. */
  setAppSettings(settings: { env: Record<string, string>; secrets: Record<string, string> }): void {
    writeAppSettings(this.storeDir, settings);
  }

  /** The edge's routes for these nodes, pushed and applied as the release component does (portage-edge-apply, routes on stdin). */
  applyRoutes(nodes: readonly FleetNode[]): Promise<RunResult> {
    const [file] = edgeRoutesFiles(this.routes(nodes));
    if (!file) throw new Error("edgeRoutesFiles returned no file");
    return exec(this.edge, "portage-edge-apply", [], { input: file.content, timeoutMs: 120_000 });
  }

  routes(nodes: readonly FleetNode[]): EdgeRoutes {
    return {
      kind: "haproxy",
      app,
      domain: "",
      acmeEmail: "",
      privateAddress: this.edge.address,
      adminPort,
      nodes: nodes.map((n) => ({ name: n.name, address: n.address })),
    };
  }

  /** The app servers as HAProxy's runtime API reports them (read from the machine, through the edge's own /run). */
  async edgeServers(): Promise<ServerStat[]> {
    return (await serverStats(pathOnMachine(this.edge, "/run/haproxy/admin.sock"))).filter((s) => s.backend === "app");
  }

  /** What serves on a node: `/var/lib/portage/current` (version, sha256, port). */
  async serving(node: FleetNode): Promise<{ version: string; sha256: string; port: number }> {
    const [version = "", sha256 = "", port = "0"] = (await readFile(node.host, "/var/lib/portage/current")).trim().split(/\s+/);
    return { version, sha256, port: Number(port) };
  }

  /** The pid of a unit's main process, as the systemctl shim recorded it. */
  async mainPid(host: Host, unit: string): Promise<number> {
    const state = JSON.parse(await readFile(host, `/run/portage-shim/${unit}.json`)) as { pid: number };
    return state.pid;
  }

  /** Waits until every node's serving port is UP on the edge. */
  async waitForEdge(timeoutMs = 60_000): Promise<void> {
    const want = await Promise.all(this.nodes.map(async (n) => `${n.address}:${(await this.serving(n)).port}`));
    await waitFor(
      `the edge to report ${want.join(", ")} UP`,
      async () => {
        const up = new Set((await this.edgeServers()).filter((s) => s.status.startsWith("UP")).map((s) => s.address));
        return want.every((a) => up.has(a)) ? true : undefined;
      },
      timeoutMs,
      200,
    );
  }

  /** The last lines of every unit log (the shim's journal) and of the deploy history, for a failure report. */
  logs(host: Host, lines = 30): string {
    const dir = join(host.dir, "overlay", "var", "upper", "log", "portage-shim");
    if (!existsSync(dir)) return `${host.name}: no unit logs`;
    return readdirSync(dir)
      .map((f) => `--- ${host.name} ${f}\n${readFileSync(join(dir, f), "utf8").trimEnd().split("\n").slice(-lines).join("\n")}`)
      .join("\n");
  }

  private waitForBoot(host: Host, unit: string): Promise<void> {
    // Each check runs the systemctl shim (a node process): a large fleet checks less often, or the
    // checks alone would starve the boots they wait for.
    return waitForUnit(host, unit, () => this.logs(host), 250 * Math.max(1, Math.ceil(this.nodes.length / 4)));
  }

  /** Stops everything the fleet started and removes its namespaces, bridge and files. */
  async destroy(): Promise<void> {
    for (const host of [this.edge, ...this.nodes.map((n) => n.host)]) await killNamespace(host.netns);
    await this.standIn?.close();
    await this.dns.stop();
    await removeNetwork(this.plan);
    if (!this.keepWorkDir) rmSync(this.workDir, { recursive: true, force: true });
  }
}

async function checkMachine(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("the local fleet needs root (network namespaces, mounts): run the e2e tests as root");
  const missing: string[] = [];
  for (const cmd of requiredCommands) if ((await run("sh", ["-c", `command -v ${cmd}`])).code !== 0) missing.push(cmd);
  if (missing.length > 0) throw new Error(`the local fleet needs ${missing.join(", ")}: run bin/setup-test-machine`);
}
