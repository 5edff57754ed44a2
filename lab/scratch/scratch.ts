/**
 * A node and an edge in scratch directories (PORTAGE_ROOT), for running the real scripts without a
 * VM: the files `nodeFiles` / `edgeFiles` render, a `file` store, stand-in releases, a systemctl
 * shim first on PATH, and a real HAProxy on loopback ports.
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { haproxyConfig, type HaproxyOptions } from "../../components/node/haproxy";
import { nodeFiles } from "../../components/node/node";
import { script } from "../../components/node/scripts";
import type { EdgeRoutes, NodeRuntime, VmFile } from "../../components/node/types";
import { secretRefs } from "../../components/secrets/names";

export const support = __dirname;
export const app = "hello";
export const bucket = "hello-test-bucket";
export const password = 'pa$$ "word" `x` \\ end';

/** What a scratch node's secret store holds (the edge's password too, as the real store does). */
export const scratchSecrets = {
  DATABASE_URL: "postgres://hello:s3cr3t@db.internal:5432/hello",
  SECRET_KEY_BASE: "k".repeat(64),
  RELEASE_COOKIE: "cookie-for-the-test",
  PHX_HOST: "app.example.com",
  EDGE_ADMIN_PASSWORD: password,
};

const scratchDirs: string[] = [];

export function scratchDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `portage-${name}-`));
  scratchDirs.push(dir);
  return dir;
}

/** Removes every scratch directory this test file made (call once its processes are stopped). */
export function removeScratchDirs(): void {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const handedOut = new Set<number>();

/** Ports nothing listens on right now (the kernel picks them), never the same twice in a test file. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    for (const p of await kernelPorts(count - ports.length)) {
      if (!handedOut.has(p)) {
        handedOut.add(p);
        ports.push(p);
      }
    }
  }
  return ports;
}

async function kernelPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const s = createServer();
          s.listen(0, "127.0.0.1", () => resolve(s));
        }),
    ),
  );
  for (const s of servers) {
    const address = s.address();
    if (address && typeof address === "object") ports.push(address.port);
    await new Promise((r) => s.close(r));
  }
  return ports;
}

/** Writes files under a root as cloud-init would on a VM. */
export function install(root: string, files: VmFile[]): void {
  for (const f of files) {
    const path = join(root, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
    chmodSync(path, parseInt(f.mode, 8));
  }
}

/** A stand-in release tarball in the file store; returns its sha256. `files`: more files in it (a `bin/migrate`). */
export function publishRelease(store: string, version: string, opts: { healthy: boolean; files?: Record<string, string> }): string {
  const dir = scratchDir(`release-${version}`);
  mkdirSync(join(dir, "bin"));
  mkdirSync(join(dir, "erts-0.0", "bin"), { recursive: true });
  copyFileSync(join(support, "standin-app.py"), join(dir, "app.py"));
  writeFileSync(join(dir, "VERSION"), `${version}\n`);
  if (opts.healthy) writeFileSync(join(dir, "healthy"), "");
  writeFileSync(join(dir, "bin", app), `#!/bin/sh\n[ "$1" = start ] || exit 2\nexec python3 "$(dirname "$0")/../app.py"\n`, {
    mode: 0o755,
  });
  writeFileSync(join(dir, "erts-0.0", "bin", "epmd"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  for (const [path, content] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, path), content, { mode: 0o755 });
  const key = join(store, bucket, "releases", `${app}-${version}.tar.gz`);
  mkdirSync(dirname(key), { recursive: true });
  execFileSync("tar", ["-czf", key, "-C", dir, "."]);
  return createHash("sha256").update(readFileSync(key)).digest("hex");
}

export function setPointer(store: string, version: string, sha: string): void {
  writeFileSync(join(store, bucket, "releases", "current"), `${version} ${sha}\n`);
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function runScript(root: string, name: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      join(root, "usr/local/bin", name),
      args,
      { env: { ...process.env, PATH: `${support}:${process.env.PATH}`, PORTAGE_ROOT: root, ...env }, timeout: 300_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

export function shim(root: string, ...args: string[]): string {
  try {
    return execFileSync(join(support, "systemctl"), args, { env: { ...process.env, PORTAGE_ROOT: root }, encoding: "utf8" });
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? "");
  }
}

export interface ScratchNode {
  root: string;
  store: string;
  rt: NodeRuntime;
}

/** A node whose store (secrets and bucket) is a directory; `edgeAdminUrl` empty means no edge. */
export function scratchNode(ports: [number, number], edgeAdminUrl: string, secrets: Record<string, string>): ScratchNode {
  const root = scratchDir("node");
  const store = join(root, "store");
  const entries = secretRefs({ provider: "gcp", prefix: "hello-test" });
  mkdirSync(join(store, "secrets"), { recursive: true });
  for (const e of entries) {
    const value = secrets[e.env];
    if (value !== undefined) writeFileSync(join(store, "secrets", e.ref), `${value}\n`);
  }
  const rt: NodeRuntime = {
    provider: "file",
    app: { name: app, ports, healthPath: "/ping" },
    node: { name: "local-1", address: "127.0.0.1" },
    admin: {
      user: "portage",
      sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExbxDw9EbFfV1Nt2iyONpbDfB1y1D6RjGSEjZph2L9u you@example.com",
    },
    secrets: { provider: "file", location: join(store, "secrets"), entries },
    releases: { provider: "file", location: store, bucket, prefix: "releases/", region: "local" },
    cluster: { nodesName: "nodes.test.hello.internal", epmdPort: 4369, distributionPorts: [9100, 9155] },
    edge: { kind: "haproxy", adminUrl: edgeAdminUrl },
    deploy: { healthTimeoutSeconds: 15 },
  };
  install(root, nodeFiles(rt));
  return { root, store, rt };
}

export interface ScratchEdge {
  root: string;
  /** What the edge's scripts need to find this HAProxy's socket and state file. */
  env: Record<string, string>;
  adminPort: number;
  httpPort: number;
  options: Partial<HaproxyOptions>;
  routes: EdgeRoutes;
  stop(): void;
}

/** A real HAProxy with portage's config for the given nodes, in master-worker mode under the shim. */
export async function scratchEdge(nodes: EdgeRoutes["nodes"], ports: [number, number]): Promise<ScratchEdge> {
  const root = scratchDir("edge");
  const [httpPort = 0, adminPort = 0] = await freePorts(2);
  const options: Partial<HaproxyOptions> = {
    socket: join(root, "run/admin.sock"),
    stateFile: join(root, "var/lib/haproxy/server-state"),
    chroot: null,
    user: null,
    log: "stderr",
    httpBind: `127.0.0.1:${httpPort}`,
  };
  const routes: EdgeRoutes = {
    kind: "haproxy",
    app: { name: app, ports, healthPath: "/ping" },
    domain: "",
    acmeEmail: "",
    privateAddress: "127.0.0.1",
    adminPort,
    nodes,
  };
  mkdirSync(join(root, "run"), { recursive: true });
  install(root, [
    { path: "/etc/haproxy/haproxy.cfg", content: haproxyConfig(routes, options), mode: "0644" },
    { path: "/etc/portage/edge-admin.env", content: `EDGE_ADMIN_PASSWORD=${quote(password)}\n`, mode: "0600" },
    { path: "/etc/portage/edge-address.env", content: 'EDGE_PRIVATE_ADDRESS="127.0.0.1"\n', mode: "0644" },
    { path: "/etc/portage/edge.env", content: `EDGE_KIND="haproxy"\nAPP="${app}"\nADMIN_PORT="${adminPort}"\nDOMAIN=""\n`, mode: "0644" },
    { path: "/var/lib/portage/edge-ready", content: "", mode: "0644" },
    script("lib.sh"),
    script("portage-edge-apply"),
    script("portage-edge-status"),
  ]);
  mkdirSync(join(root, "var/lib/haproxy"), { recursive: true });
  shim(root, "start", "haproxy.service");
  const env = { HAPROXY_SOCKET: join(root, "run/admin.sock"), HAPROXY_STATE_FILE: join(root, "var/lib/haproxy/server-state") };
  return { root, env, adminPort, httpPort, options, routes, stop: () => shim(root, "stop", "haproxy.service") };
}

function quote(v: string): string {
  return `"${v.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}
