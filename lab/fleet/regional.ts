import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  edgeFiles,
  edgeRoutesFiles,
  edgeUserData,
  nodeFiles,
  nodeUserData,
  type EdgeRoutes,
  type NodeRuntime,
} from "../../components/node";
import { applyUserData } from "./cloud-init";
import { startDns, type Dns } from "./dns";
import { adminPort, app, bucket, releasePrefix, runtimes, zone } from "./fleet-settings";
import { runtimeCommand, serverStats, type ServerStat } from "./haproxy-api";
import { createHost, exec, execOk, pathOnMachine, readFile, waitForUnit, writeFile, type Host } from "./host";
import { bridgeAddress, createBridge, createNamespace, killNamespace, removeNetwork, type NetworkPlan } from "./network";
import type { BuiltRelease } from "./release";
import { waitFor, type RunResult } from "./run";
import { installShim } from "./shim";

/**
 * The local fleet with regions and edge pairs: per region, nodes, several edges (portage's edge
 * user-data and routes with the edge's region) and a stand-in for the cloud's layer-4 balancer in
 * front of them (HAProxy in TCP mode on a host of its own, see `balancerConfig`). One bridge, one DNS
 * zone: `nodes.<zone>` lists every node, `edge.<zone>` every edge of every region, the name the
 * nodes' portage-deploy drains on.
 */
export interface RegionSpec {
  name: string;
  nodes: number;
  edges: number;
}

export interface RegionalOptions {
  regions: RegionSpec[];
  /** Names of namespaces and links start with it. Default "pfreg". */
  prefix?: string;
  /** A /24 nobody else on the machine uses. Default "10.79.0" (the e2e fleet has .77, the benchmarks .78). */
  subnet?: string;
  healthTimeoutSeconds?: number;
  initialRelease: BuiltRelease;
}

export interface RegionalNode {
  host: Host;
  name: string;
  region: string;
  address: string;
  runtime: NodeRuntime;
}

export interface RegionalEdge {
  host: Host;
  name: string;
  region: string;
  address: string;
}

export interface Region {
  name: string;
  nodes: RegionalNode[];
  edges: RegionalEdge[];
  /** The balancer stand-in's host; its address on port 80 is the region's public entry. */
  balancer: Host;
  url: string;
}

/** The balancer stand-in checks each edge this often (a cloud balancer's fastest is 5-10 s; see docs/local-fleet.md). */
export const balancerCheck = { intervalMs: 1000, fall: 2 };

/**
 * A layer-4 balancer in front of a region's edges, standing in for the AWS Network Load Balancer /
 * GCP passthrough Network Load Balancer: TCP passthrough, a TCP health check on each edge, new
 * connections only to edges that pass it; an edge that died is out after `fall` failed checks.
 * Unlike them it sends a connection that an edge refused to another edge (`option redispatch`): a
 * cloud balancer lets that connection fail until its check sees the edge down. The balancer's
 * `wredis` counter says how many connections that was (docs/local-fleet.md).
 */
export function balancerConfig(bind: string, edges: string[], socket = "/run/balancer.sock"): string {
  return [
    "# portage local fleet: stand-in for the cloud's layer-4 balancer (not part of what portage deploys)",
    "global",
    "    maxconn 4000",
    `    stats socket ${socket} mode 600 level admin`,
    "defaults",
    "    mode tcp",
    "    retries 2",
    "    option redispatch 1",
    "    timeout connect 2s",
    "    timeout client 60s",
    "    timeout server 60s",
    "frontend public",
    `    bind ${bind}`,
    "    default_backend edges",
    "backend edges",
    "    balance roundrobin",
    `    default-server check inter ${balancerCheck.intervalMs}ms fall ${balancerCheck.fall} rise 2`,
    // An edge without a port is on 80, as on a VM.
    ...edges.map((address, i) => `    server edge-${i + 1} ${address.includes(":") ? address : `${address}:80`}`),
    "",
  ].join("\n");
}

export class RegionalFleet {
  private constructor(
    readonly plan: NetworkPlan,
    readonly workDir: string,
    readonly storeDir: string,
    readonly dns: Dns,
    readonly regions: Region[],
  ) {}

  get nodes(): RegionalNode[] {
    return this.regions.flatMap((r) => r.nodes);
  }

  get edges(): RegionalEdge[] {
    return this.regions.flatMap((r) => r.edges);
  }

  static async create(opts: RegionalOptions): Promise<RegionalFleet> {
    const plan: NetworkPlan = { prefix: opts.prefix ?? "pfreg", subnet: opts.subnet ?? "10.79.0" };
    const workDir = `/tmp/portage-fleet-${plan.prefix}`;
    await removeNetwork(plan);
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(join(workDir, "dns"), { recursive: true });
    // Addresses: balancers .3+, edges .20+, nodes .40+ (10 per region).
    const layout = opts.regions.map((r, i) => ({
      ...r,
      balancer: `${plan.subnet}.${3 + i}`,
      edgeAddresses: Array.from({ length: r.edges }, (_, e) => `${plan.subnet}.${20 + 10 * i + e}`),
      nodeAddresses: Array.from({ length: r.nodes }, (_, n) => `${plan.subnet}.${40 + 10 * i + n}`),
    }));
    await createBridge(plan);
    let dns: Dns | undefined;
    try {
      dns = await startDns({
        address: bridgeAddress(plan),
        zone,
        dir: join(workDir, "dns"),
        records: { [`nodes.${zone}`]: layout.flatMap((r) => r.nodeAddresses), [`edge.${zone}`]: layout.flatMap((r) => r.edgeAddresses) },
      });
      const storeDir = join(workDir, "store");
      const rt = runtimes(storeDir, opts.healthTimeoutSeconds ?? 20);
      // Link names have at most 15 characters: namespaces are named by position (r1e2), hosts by role.
      const newHost = async (id: string, name: string, address: string) => {
        const netns = await createNamespace(plan, id, address);
        const host = await createHost({ name, address, netns, dir: join(workDir, "hosts", name), dnsServer: bridgeAddress(plan) });
        await installShim(host);
        return host;
      };
      const regions: Region[] = [];
      for (const [i, r] of layout.entries()) {
        const edges: RegionalEdge[] = [];
        for (const [e, address] of r.edgeAddresses.entries()) {
          const name = `${r.name}-edge-${e + 1}`;
          edges.push({ host: await newHost(`r${i + 1}e${e + 1}`, name, address), name, region: r.name, address });
        }
        const nodes: RegionalNode[] = [];
        for (const [n, address] of r.nodeAddresses.entries()) {
          const name = `${r.name}-${n + 1}`;
          const host = await newHost(`r${i + 1}n${n + 1}`, name, address);
          nodes.push({ host, name, region: r.name, address, runtime: rt.node(name, address) });
        }
        const balancer = await newHost(`r${i + 1}lb`, `${r.name}-lb`, r.balancer);
        regions.push({ name: r.name, nodes, edges, balancer, url: `http://${r.balancer}/` });
      }
      const fleet = new RegionalFleet(plan, workDir, storeDir, dns, regions);
      copyFileSync(opts.initialRelease.tarball, fleet.releaseKey(opts.initialRelease));
      writeFileSync(
        join(storeDir, "releases", bucket, `${releasePrefix}current`),
        `${opts.initialRelease.version} ${opts.initialRelease.sha256}\n`,
      );
      for (const edge of fleet.edges) await applyUserData(edge.host, edgeUserData(rt.edge), edgeFiles(rt.edge));
      for (const edge of fleet.edges) await waitForUnit(edge.host, "portage-edge-boot.service");
      for (const edge of fleet.edges) {
        const applied = await fleet.applyRoutes(edge);
        if (applied.code !== 0) throw new Error(`${edge.name}: portage-edge-apply failed: ${applied.stderr}`);
      }
      for (const region of regions) await fleet.startBalancer(region);
      await Promise.all(fleet.nodes.map((n) => applyUserData(n.host, nodeUserData(n.runtime), nodeFiles(n.runtime))));
      await Promise.all(fleet.nodes.map((n) => waitForUnit(n.host, "portage-boot.service")));
      return fleet;
    } catch (e) {
      await dns?.stop();
      await removeNetwork(plan);
      throw new Error(`the regional fleet did not start (logs kept in ${workDir}): ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private releaseKey(release: BuiltRelease): string {
    return join(this.storeDir, "releases", bucket, `${releasePrefix}${app.name}-${release.version}.tar.gz`);
  }

  /** An edge's routes: every node of every region, with the edge's own region (other regions' nodes are its backups). */
  routes(edge: RegionalEdge, nodes: readonly RegionalNode[] = this.nodes): EdgeRoutes {
    return {
      kind: "haproxy",
      app,
      domain: "",
      acmeEmail: "",
      privateAddress: edge.address,
      adminPort,
      region: edge.region,
      nodes: nodes.map((n) => ({ name: n.name, address: n.address, region: n.region })),
    };
  }

  applyRoutes(edge: RegionalEdge): Promise<RunResult> {
    const [file] = edgeRoutesFiles(this.routes(edge));
    if (!file) throw new Error("edgeRoutesFiles returned no file");
    return exec(edge.host, "portage-edge-apply", [], { input: file.content, timeoutMs: 120_000 });
  }

  private async startBalancer(region: Region): Promise<void> {
    await writeFile(
      region.balancer,
      "/etc/haproxy/balancer.cfg",
      balancerConfig(
        `${region.balancer.address}:80`,
        region.edges.map((e) => e.address),
      ),
    );
    await execOk(region.balancer, "sh", ["-c", "haproxy -D -f /etc/haproxy/balancer.cfg -p /run/balancer.pid </dev/null >/dev/null 2>&1"]);
    await waitFor(
      `${region.name}'s balancer to see its edges UP`,
      async () => ((await this.balancerServers(region)).every((s) => s.status === "UP") ? true : undefined),
      30_000,
      200,
    );
  }

  /** The edges as the region's balancer sees them (`server` edge-1, ...; `total` connections; `redispatched`). */
  async balancerServers(region: Region): Promise<(ServerStat & { redispatched: number })[]> {
    const socket = pathOnMachine(region.balancer, "/run/balancer.sock");
    const stats = (await serverStats(socket)).filter((s) => s.backend === "edges");
    const csv = await runtimeCommand(socket, "show stat");
    const [header = "", ...rows] = csv.trim().split("\n");
    const col = header.replace(/^# /, "").split(",").indexOf("wredis");
    return stats.map((s) => ({ ...s, redispatched: Number(rows.find((r) => r.split(",")[1] === s.server)?.split(",")[col] ?? 0) }));
  }

  /** `portage-deploy` on the nodes, one at a time over all regions (the rollout's batches of 1); stops at the first failure. */
  async rollout(release: BuiltRelease): Promise<{ node: string; result: RunResult }[]> {
    copyFileSync(release.tarball, this.releaseKey(release));
    const results: { node: string; result: RunResult }[] = [];
    for (const node of this.nodes) {
      const result = await exec(node.host, "portage-deploy", [release.version, release.sha256], { timeoutMs: 600_000 });
      results.push({ node: node.name, result });
      if (result.code !== 0) break;
    }
    return results;
  }

  /** The app servers on one edge, from its runtime API. */
  async edgeServers(edge: RegionalEdge): Promise<ServerStat[]> {
    return (await serverStats(pathOnMachine(edge.host, "/run/haproxy/admin.sock"))).filter((s) => s.backend === "app");
  }

  /** Sessions each region's nodes got from these edges since they started (HAProxy's per-server totals). */
  async sentByRegion(edges: readonly RegionalEdge[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const edge of edges)
      for (const s of await this.edgeServers(edge)) {
        const region = this.nodes.find((n) => s.address.startsWith(`${n.address}:`))?.region ?? "unknown";
        out[region] = (out[region] ?? 0) + s.total;
      }
    return out;
  }

  /** What serves on a node (version, port). */
  async serving(node: RegionalNode): Promise<{ version: string; port: number }> {
    const [version = "", , port = "0"] = (await readFile(node.host, "/var/lib/portage/current")).trim().split(/\s+/);
    return { version, port: Number(port) };
  }

  /** Until every edge sees every node's serving port UP. */
  async waitForEdges(timeoutMs = 60_000): Promise<void> {
    const want = await Promise.all(this.nodes.map(async (n) => `${n.address}:${(await this.serving(n)).port}`));
    await waitFor(
      "every edge to report every serving port UP",
      async () => {
        for (const edge of this.edges) {
          const up = new Set((await this.edgeServers(edge)).filter((s) => s.status.startsWith("UP")).map((s) => s.address));
          if (!want.every((a) => up.has(a))) return undefined;
        }
        return true;
      },
      timeoutMs,
      200,
    );
  }

  /** The edge dies: every process on its host is killed, as when its VM fails. */
  async killEdge(edge: RegionalEdge): Promise<void> {
    await killNamespace(edge.host.netns);
  }

  async destroy(): Promise<void> {
    for (const r of this.regions)
      for (const host of [r.balancer, ...r.edges.map((e) => e.host), ...r.nodes.map((n) => n.host)]) await killNamespace(host.netns);
    await this.dns.stop();
    await removeNetwork(this.plan);
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
