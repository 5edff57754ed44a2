/**
 * portage-edge-boot and the certificate hook, run for real in a scratch directory (file store,
 * systemctl shim; the proxies themselves are stand-ins here: HAProxy runs for real in the deploy
 * and apply tests, and no Traefik binary can be installed).
 */
import Ajv from "ajv";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { edgeFiles, edgeForwardRoutesFiles, edgeRoutesFiles } from "../../components/node/edge";
import type { EdgeRuntime } from "../../components/node/types";
import { secretRefs } from "../../components/secrets/names";
import { install, password, runScript, scratchDir, removeScratchDirs } from "../../lab/scratch/scratch";
import { routes } from "./support/variants";

function scratchEdgeHost(kind: "haproxy" | "traefik", domain: string): { root: string; rt: EdgeRuntime } {
  const root = scratchDir(`edge-${kind}`);
  const entries = secretRefs({ provider: "gcp", prefix: "hello-test" }).filter((e) => e.env === "EDGE_ADMIN_PASSWORD");
  mkdirSync(join(root, "store"));
  writeFileSync(join(root, "store", entries[0]!.ref), `${password}\n`);
  const rt: EdgeRuntime = {
    provider: "file",
    kind,
    admin: {
      user: "portage",
      sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExbxDw9EbFfV1Nt2iyONpbDfB1y1D6RjGSEjZph2L9u you@example.com",
    },
    app: { name: "hello", ports: [4000, 4001], healthPath: "/ping" },
    domain,
    acmeEmail: domain ? "ops@example.com" : "",
    adminPort: 8404,
    secrets: { provider: "file", location: join(root, "store"), entries },
  };
  install(root, edgeFiles(rt));
  return { root, rt };
}

const env = { EDGE_ADDRESS: "10.100.0.10", SHIM_FAKE: "haproxy traefik portage-acme.timer" };
const calls = (root: string) => readFileSync(join(root, "run/shim/calls"), "utf8").trim().split("\n");
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe("portage-edge-boot", () => {
  it("Traefik: admin users file from the store's password, static config on the private address, then Traefik", async () => {
    const { root } = scratchEdgeHost("traefik", "");
    // A stand-in for the pinned binary, so boot does not download it.
    writeFileSync(join(root, "usr/local/bin/traefik"), "#!/bin/sh\necho 'Version:      3.7.10'\n", { mode: 0o755 });
    const boot = await runScript(root, "portage-edge-boot", [], env);
    expect(boot.stderr).toBe("");
    expect(boot.code).toBe(0);

    const [user, hash] = readFileSync(join(root, "etc/traefik/admin.users"), "utf8").trim().split(":");
    expect(user).toBe("portage");
    const salt = hash!.split("$")[2]!;
    expect(execFileSync("openssl", ["passwd", "-apr1", "-salt", salt, "-stdin"], { input: `${password}\n`, encoding: "utf8" }).trim()).toBe(
      hash,
    );

    const config = parse(readFileSync(join(root, "etc/traefik/traefik.yml"), "utf8")) as { entryPoints: { admin: { address: string } } };
    expect(config.entryPoints.admin.address).toBe("10.100.0.10:8404");
    const schema = JSON.parse(readFileSync(join(__dirname, "../../../shared/reference/traefik/traefik-v3.json"), "utf8")) as object;
    expect(new Ajv({ strict: false }).validate(schema, config)).toBe(true);

    expect(mode(join(root, "etc/portage/edge-admin.env"))).toBe("600");
    expect(calls(root)).toEqual(expect.arrayContaining(["enable traefik", "restart traefik"]));
    expect(statSync(join(root, "var/lib/portage/edge-ready")).isFile()).toBe(true);
  });

  it("Traefik: refuses a binary whose checksum is not the pinned one", async () => {
    const { root } = scratchEdgeHost("traefik", "");
    // No binary yet: boot downloads it. Point the download at a local file with other content.
    const fake = join(scratchDir("download"), "traefik.tar.gz");
    writeFileSync(fake, "not traefik");
    const curlShim = join(scratchDir("curl"), "curl");
    writeFileSync(curlShim, `#!/bin/sh\nwhile [ "$1" != "-o" ]; do shift; done\ncp ${fake} "$2"\n`, { mode: 0o755 });
    const boot = await runScript(root, "portage-edge-boot", [], { ...env, PATH: `${join(curlShim, "..")}:${process.env.PATH}` });
    expect(boot.code).not.toBe(0);
    expect(boot.stderr).toMatch(/does not have the pinned sha256 [0-9a-f]{64}: not installing it/);
  });

  it("HAProxy with a domain: a self-signed certificate for it until Let's Encrypt, the first config, the ACME timer", async () => {
    const { root } = scratchEdgeHost("haproxy", "app.example.com");
    mkdirSync(join(root, "etc/haproxy"), { recursive: true });
    writeFileSync(join(root, "etc/haproxy/haproxy.cfg"), "# the package's default config\n");
    const boot = await runScript(root, "portage-edge-boot", [], env);
    expect(boot.stderr).toBe("");
    expect(boot.code).toBe(0);

    const pem = join(root, "etc/haproxy/certs/site.pem");
    expect(mode(pem)).toBe("600");
    expect(execFileSync("openssl", ["x509", "-noout", "-subject", "-in", pem], { encoding: "utf8" })).toMatch(/CN ?= ?app\.example\.com/);
    expect(readFileSync(pem, "utf8")).toContain("PRIVATE KEY");
    expect(readFileSync(join(root, "etc/haproxy/haproxy.cfg"), "utf8")).toBe(
      readFileSync(join(root, "etc/portage/haproxy-initial.cfg"), "utf8"),
    );
    expect(readFileSync(join(root, "etc/portage/edge-address.env"), "utf8")).toBe('EDGE_PRIVATE_ADDRESS="10.100.0.10"\n');
    expect(calls(root)).toEqual(expect.arrayContaining(["restart haproxy", "enable portage-acme.timer"]));

    // A reboot keeps the certificate and the routes already applied.
    writeFileSync(join(root, "etc/haproxy/haproxy.cfg"), "# portage: HAProxy edge for hello (routes applied)\n");
    const before = readFileSync(pem, "utf8");
    expect((await runScript(root, "portage-edge-boot", [], env)).code).toBe(0);
    expect(readFileSync(pem, "utf8")).toBe(before);
    expect(readFileSync(join(root, "etc/haproxy/haproxy.cfg"), "utf8")).toBe("# portage: HAProxy edge for hello (routes applied)\n");
  });

  it("certbot's deploy hook installs the issued certificate as HAProxy's PEM and reloads HAProxy", async () => {
    const { root } = scratchEdgeHost("haproxy", "app.example.com");
    expect((await runScript(root, "portage-edge-boot", [], env)).code).toBe(0);
    const lineage = scratchDir("letsencrypt");
    writeFileSync(join(lineage, "fullchain.pem"), "-----BEGIN CERTIFICATE-----\nissued\n-----END CERTIFICATE-----\n");
    writeFileSync(join(lineage, "privkey.pem"), "-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n");
    const hook = await runScript(root, "portage-edge-acme", ["--install"], {
      ...env,
      RENEWED_LINEAGE: lineage,
      HAPROXY_SOCKET: join(root, "none.sock"),
    });
    expect(hook.stderr).toBe("");
    expect(hook.code).toBe(0);
    const pem = join(root, "etc/haproxy/certs/site.pem");
    expect(readFileSync(pem, "utf8")).toBe(
      readFileSync(join(lineage, "fullchain.pem"), "utf8") + readFileSync(join(lineage, "privkey.pem"), "utf8"),
    );
    expect(mode(pem)).toBe("600");
    expect(calls(root).at(-1)).toBe("reload haproxy");
  });
});

describe("portage-edge-apply on a Traefik edge: a migration's forwarding and back", () => {
  it("swaps the watched routes file by a rename (Traefik never reads half a file), shows the target in portage-edge-status, refuses a file without servers, switches back", async () => {
    const { root } = scratchEdgeHost("traefik", "app.example.com");
    writeFileSync(join(root, "usr/local/bin/traefik"), "#!/bin/sh\necho 'Version:      3.7.10'\n", { mode: 0o755 });
    expect((await runScript(root, "portage-edge-boot", [], env)).code).toBe(0);
    const dynamic = join(root, "etc/traefik/dynamic");
    const target = join(dynamic, "portage.yml");
    const dir = scratchDir("routes");
    const input = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };
    const r = routes("traefik", true, 2);
    const [normal] = edgeRoutesFiles(r);
    const [forward] = edgeForwardRoutesFiles(r, { address: "10.200.0.5" });

    const first = await runScript(root, "portage-edge-apply", [input("normal.yml", normal!.content)], env);
    expect(first.stderr).toBe("");
    expect(readFileSync(target, "utf8")).toBe(normal!.content);
    const inode = statSync(target).ino;

    // What the file provider's watch sees while the forwarding goes in: the file renamed in, never written.
    const events: string[] = [];
    const watcher = watch(dynamic, (event, name) => events.push(`${event} ${name}`));
    const forwarding = await runScript(root, "portage-edge-apply", [input("forward.yml", forward!.content)], env);
    await new Promise((resolve) => setTimeout(resolve, 200));
    watcher.close();
    expect(forwarding.stderr).toBe("");
    expect(forwarding.stdout).toMatch(/routes applied: 1 servers/);
    expect(readFileSync(target, "utf8")).toBe(forward!.content);
    expect(statSync(target).ino).not.toBe(inode);
    expect(events.length).toBeGreaterThan(0);
    expect(
      events.every((e) => e === "rename portage.yml"),
      events.join(", "),
    ).toBe(true);
    expect(readdirSync(dynamic).sort()).toEqual(["admin.yml", "portage.yml"]);
    expect(statSync(target).mode & 0o777).toBe(0o644);

    // portage-edge-status names the target edge with the state Traefik's API gives its url.
    const api = scratchDir("traefik-api");
    const answer = JSON.stringify([{ name: "forward@file", serverStatus: { "https://10.200.0.5:443": "UP" } }]);
    writeFileSync(join(api, "curl"), `#!/bin/sh\ncat <<'EOF'\n${answer}\nEOF\n`, { mode: 0o755 });
    const status = await runScript(root, "portage-edge-status", [], { ...env, PATH: `${api}:${process.env.PATH}` });
    expect(status.stderr).toBe("");
    expect(status.stdout.trim()).toBe("target-edge 10.200.0.5:443 UP");

    const broken = await runScript(root, "portage-edge-apply", [input("broken.yml", "http:\n  services: {}\n")], env);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toMatch(/the new Traefik routes are invalid, the running ones are unchanged: .*no servers/);
    expect(readFileSync(target, "utf8")).toBe(forward!.content);

    expect((await runScript(root, "portage-edge-apply", [input("normal.yml", normal!.content)], env)).code).toBe(0);
    expect(readFileSync(target, "utf8")).toBe(normal!.content);
  });
});

afterAll(removeScratchDirs);
