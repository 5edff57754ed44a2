import { readFileSync } from "node:fs";
import { join } from "node:path";
import { serverStats, type ServerStat } from "../../lab/fleet/haproxy-api";
import { createHost, exec, execOk, pathOnMachine, writeFile, type Host } from "../../lab/fleet/host";
import { bridgeAddress, createNamespace, type NetworkPlan } from "../../lab/fleet/network";
import type { BuiltRelease } from "../../lab/fleet/release";
import { waitFor, type RunResult } from "../../lab/fleet/run";
import { installShim } from "../../lab/fleet/shim";

/**
 * The seed article's single server (seeds/001) as one more host of the local fleet's network: its
 * systemd unit, its deploy script and its proxy (./seed/), run by the same systemctl shim that runs
 * portage's units, with the same Elixir release. The proxy listens on port 80 of the host; the app
 * alternates between ports 4000 and 4001 on the same host, as in the article.
 */
export interface SeedHost {
  host: Host;
  /** The proxy, from outside the host. */
  url: string;
  /** Copies a release tarball next to the script (the article scp's it there). */
  publish(release: BuiltRelease): Promise<void>;
  /** The article's deploy.sh <version>. */
  deploy(release: BuiltRelease): Promise<RunResult>;
  /** The port that answers (as the article's script decides it: 4000 if it answers, else 4001). */
  servingPort(): Promise<number>;
  /** Until the proxy's health checks see `port` UP and the other DOWN. */
  waitSettled(port: number, timeoutMs?: number): Promise<void>;
}

const seedDir = join(__dirname, "seed");
const appDir = "/srv/my_app";
export const seedPorts = [4000, 4001] as const;

export async function createSeedHost(plan: NetworkPlan, workDir: string, address: string): Promise<SeedHost> {
  const netns = await createNamespace(plan, "seed", address);
  const host = await createHost({ name: "seed", address, netns, dir: join(workDir, "hosts", "seed"), dnsServer: bridgeAddress(plan) });
  await installShim(host);
  const file = (name: string) => readFileSync(join(seedDir, name), "utf8");
  await writeFile(host, "/etc/systemd/system/my_app@.service", file("my_app@.service"));
  await writeFile(host, "/etc/systemd/system/seed-proxy.service", file("seed-proxy.service"));
  await writeFile(host, "/etc/seed-proxy/haproxy.cfg", file("proxy.cfg"));
  await writeFile(host, `${appDir}/deploy.sh`, file("deploy.sh"), 0o755);
  // "create the env_vars file that our script references, and populate it with initial data"
  await writeFile(host, `${appDir}/env_vars`, "LATEST_RELEASE=\n");
  await execOk(host, "systemctl", ["start", "seed-proxy.service"]);

  const servers = async (): Promise<ServerStat[]> =>
    (await serverStats(pathOnMachine(host, "/run/seed-proxy.sock"))).filter((s) => s.backend === "my-application");
  return {
    host,
    url: `http://${address}/`,
    publish: async (release) => void (await execOk(host, "cp", [release.tarball, `${appDir}/`])),
    deploy: (release) => exec(host, "bash", [`${appDir}/deploy.sh`, release.version], { timeoutMs: 300_000 }),
    servingPort: async () =>
      (await exec(host, "curl", ["--output", "/dev/null", "--silent", "--fail", "localhost:4000"])).code === 0 ? 4000 : 4001,
    waitSettled: async (port, timeoutMs = 60_000) => {
      await waitFor(
        `the seed proxy to see port ${port} UP and the other DOWN`,
        async () => {
          const s = await servers();
          const ok = s.length === 2 && s.every((x) => (x.address.endsWith(`:${port}`) ? x.status === "UP" : x.status === "DOWN"));
          return ok ? true : undefined;
        },
        timeoutMs,
        250,
      );
    },
  };
}
