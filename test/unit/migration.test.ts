import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  edgeForwardRoutesFiles,
  haproxyForwardConfig,
  migrateExit,
  migrationEnv,
  migrationToolFile,
  traefikForwardConfig,
} from "../../components/migration";
import { stillAtSource } from "../../components/migration/domain";
import { edgeRoutesFiles } from "../../components/node/edge";
import { haproxyConfig } from "../../components/node/haproxy";
import { traefikRoutesConfig } from "../../components/node/traefik";
import { summarize, type WriteOutcome } from "../../lab/migration/writes";
import { routes } from "../artifacts/support/variants";
import { section } from "../support/haproxy";

describe("the source edge's forwarding to the target edge", () => {
  const plain = routes("haproxy", false, 3);
  const forwarding = haproxyForwardConfig(plain, { address: "10.200.0.5" });

  it("sends every request of the web frontend to the target edge's HTTP port, health-checked through it", () => {
    expect(section(forwarding, "frontend web")).toContain("default_backend forward");
    expect(section(forwarding, "frontend web")).not.toContain("default_backend app");
    const backend = section(forwarding, "backend forward");
    expect(backend).toContain("server target-edge 10.200.0.5:80 check inter 2s fastinter 1s fall 2 rise 2");
    expect(backend).toContain("http-check send meth GET uri /ping ver HTTP/1.1 hdr Host localhost");
  });

  it("never sends a POST twice: only GET and HEAD are retried once a request went out", () => {
    expect(section(forwarding, "backend forward")).toContain("http-request disable-l7-retry unless METH_GET");
  });

  it("keeps the node backend as it is, so switching back is a plain routes change", () => {
    expect(section(forwarding, "backend app")).toEqual(section(haproxyConfig(plain), "backend app"));
    expect(section(forwarding, "defaults")).toContain("option forwardfor");
    // Host is not rewritten anywhere.
    expect(forwarding).not.toMatch(/set-header Host|http-request set-header host/i);
  });

  it("with a domain: to the target's HTTPS port with the domain as SNI, ACME challenges included", () => {
    const tls = haproxyForwardConfig(routes("haproxy", true, 1), { address: "10.200.0.5" });
    expect(section(tls, "backend forward")).toContain(
      "server target-edge 10.200.0.5:443 ssl verify none sni str(app.example.com) check-sni app.example.com check inter 2s fastinter 1s fall 2 rise 2",
    );
    const web = section(tls, "frontend web");
    expect(web).toContain("default_backend forward");
    expect(web.some((l) => l.startsWith("use_backend acme"))).toBe(false);
  });

  it("is pushed like any routes change, to the file the routes go to", () => {
    const [file] = edgeForwardRoutesFiles(plain, { address: "10.200.0.5" });
    expect(file?.path).toBe("/etc/haproxy/haproxy.cfg");
    expect(file?.content).toBe(forwarding);
  });
});

describe("a Traefik source edge's forwarding to the target edge", () => {
  const to = { address: "10.200.0.5" };
  const plain = routes("traefik", false, 3);
  const tls = routes("traefik", true, 3);
  type Loaded = {
    http: {
      routers: Record<string, { entryPoints: string[]; rule: string; service: string; middlewares?: string[]; tls?: object }>;
      middlewares: Record<string, { retry?: Record<string, unknown> }>;
      services: Record<string, { loadBalancer?: Record<string, unknown> }>;
      serversTransports?: Record<string, Record<string, unknown>>;
    };
    tcp?: { routers: Record<string, { entryPoints: string[]; rule: string; service: string }>; services: Record<string, unknown> };
  };
  // What Traefik reads: the pushed file, parsed.
  const pushed = (r: typeof plain) => {
    const [file] = edgeForwardRoutesFiles(r, to);
    return { file: file!, config: parse(file!.content) as Loaded };
  };

  it("without a domain: every web router sends to the target's port 80, health-checked on the app's path", () => {
    const { config } = pushed(plain);
    expect(Object.values(config.http.routers).map((r) => [r.entryPoints, r.service])).toEqual([[["web"], "forward"]]);
    expect(config.http.services).toEqual({
      forward: {
        loadBalancer: {
          servers: [{ url: "http://10.200.0.5:80" }],
          healthCheck: { path: "/ping", interval: "2s", timeout: "1s" },
          passHostHeader: true,
        },
      },
    });
    expect(config.tcp).toBeUndefined();
    expect(config.http.serversTransports).toBeUndefined();
  });

  it("with a domain: the target's HTTPS port, the domain as SNI and Host, its certificate not verified yet", () => {
    const { config } = pushed(tls);
    const router = config.http.routers.app!;
    expect(router).toMatchObject({ entryPoints: ["websecure"], rule: "Host(`app.example.com`)", service: "forward" });
    // The source still presents its own certificate to its clients.
    expect(router.tls).toEqual({ certResolver: "letsencrypt" });
    expect(config.http.services.forward?.loadBalancer).toEqual({
      servers: [{ url: "https://10.200.0.5:443" }],
      healthCheck: { path: "/ping", interval: "2s", timeout: "1s", hostname: "app.example.com" },
      passHostHeader: true,
      serversTransport: "forward",
    });
    expect(config.http.serversTransports).toEqual({ forward: { serverName: "app.example.com", insecureSkipVerify: true } });
  });

  it("with a domain: port 80 goes whole to the target's port 80 by a TCP router, so the target's ACME challenges reach the target", () => {
    const { config } = pushed(tls);
    // Traefik's own ACME router takes /.well-known/acme-challenge/ on `web` at priority MaxInt
    // before any HTTP router; a TCP router of the entry point is matched before it.
    expect(config.tcp).toEqual({
      routers: { "forward-web": { entryPoints: ["web"], rule: "HostSNI(`*`)", service: "forward-web" } },
      services: { "forward-web": { loadBalancer: { servers: [{ address: "10.200.0.5:80" }] } } },
    });
    expect(Object.values(config.http.routers).some((r) => r.entryPoints.includes("web"))).toBe(false);
  });

  it("never sends a POST twice: the forwarding router keeps the node routes' retry, which resends only what never left", () => {
    for (const r of [plain, tls]) {
      const { config } = pushed(r);
      const normal = traefikRoutesConfig(r);
      expect(config.http.routers.app!.middlewares).toEqual(normal.http.routers.app!.middlewares);
      expect(config.http.middlewares).toEqual(normal.http.middlewares);
      // Only attempts and a backoff: no status codes to retry on (those would resend a request that was answered).
      expect(Object.keys(config.http.middlewares.retry!.retry!).sort()).toEqual(["attempts", "initialInterval"]);
    }
  });

  it("with regions: the failover pools give way to the one forwarding service", () => {
    const { config } = pushed(routes("traefik", false, 6, ["virginia", "london"]));
    expect(Object.keys(config.http.services)).toEqual(["forward"]);
    expect(config.http.routers.app!.service).toBe("forward");
  });

  it("goes to the routes file Traefik watches, the target named for portage-edge-status; the normal file switches back", () => {
    const { file } = pushed(tls);
    const [normal] = edgeRoutesFiles(tls);
    expect(file.path).toBe("/etc/traefik/dynamic/portage.yml");
    expect(file.path).toBe(normal!.path);
    expect(file.content).toMatch(/url: https:\/\/10\.200\.0\.5:443 # target-edge$/m);
    expect(parse(normal!.content)).toEqual(traefikRoutesConfig(tls));
    expect(traefikForwardConfig(tls, to)).toEqual(parse(file.content));
  });
});

describe("portage-migrate's interface", () => {
  const tool = migrationToolFile();
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync("bash", ["-c", tool.content, "portage-migrate", ...args], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", ...env },
    });

  it("is installed as /usr/local/bin/portage-migrate, executable, within its budget (docs/migration.md)", () => {
    expect(tool.path).toBe("/usr/local/bin/portage-migrate");
    expect(tool.mode).toBe("0755");
    expect(gzipSync(tool.content, { level: 9 }).length).toBeLessThan(10 * 1024);
  });

  it("prints its usage and exits 2 without a command or with an unknown one", () => {
    for (const args of [[], ["nonsense"]]) {
      const r = run(args);
      expect(r.status).toBe(migrateExit.usage);
      expect(r.stderr).toMatch(/usage: portage-migrate check\|grant\|prepare\|schema\|subscribe\|replicate\|status/);
    }
    expect(run(["freeze", "both"]).status).toBe(migrateExit.usage);
  });

  it("names the variable it needs when a database is not given", () => {
    const r = run(["status"]);
    expect(r.status).toBe(migrateExit.usage);
    expect(r.stderr).toContain("set PORTAGE_MIGRATE_SOURCE");
  });

  describe("as a stack's job (PORTAGE_MIGRATE_ENV_SECRET)", () => {
    const bin = mkdtempSync(join(tmpdir(), "portage-migrate-job-"));
    afterAll(() => rmSync(bin, { recursive: true, force: true }));
    /** A portage-fetch that prints `entry` for `secret <ref>` and logs what it was asked. */
    const fetchPrinting = (entry: string, code = 0) => {
      const fake = join(bin, "portage-fetch");
      writeFileSync(fake, `#!/bin/sh\necho "$@" >>"${bin}/asked"\nprintf '%s' '${entry}'\nexit ${code}\n`, { mode: 0o755 });
    };
    const runJob = () =>
      run(["status"], { PATH: `${bin}:${process.env.PATH ?? ""}`, PORTAGE_MIGRATE_ENV_SECRET: "/portage/hello-prod/MIGRATION_ENV" });

    it("reads its variables from the store entry it is given, quoted as the stack writes them", () => {
      rmSync(join(bin, "asked"), { force: true });
      // A source nobody listens on: psql names the address the entry gave.
      fetchPrinting(`PORTAGE_MIGRATE_SOURCE="postgresql://hello:pw@127.0.0.1:1/hello"\nPORTAGE_MIGRATE_CLIENT_MAJOR=""\n`);
      const r = runJob();
      expect(readFileSync(join(bin, "asked"), "utf8")).toBe("secret /portage/hello-prod/MIGRATION_ENV\n");
      expect(r.stderr).not.toContain("set PORTAGE_MIGRATE_SOURCE");
      expect(r.stderr).toMatch(/connection to server at "127\.0\.0\.1", port 1 failed/);
    });

    it("stops before any step when the store cannot be read", () => {
      fetchPrinting("", 1);
      const r = runJob();
      expect(r.status).toBe(migrateExit.failed);
      expect(r.stdout).toBe("");
    });
  });

  it("takes its databases from the environment only, leaving out what is not set", () => {
    expect(migrationEnv({ source: "postgresql://a", target: "postgresql://b", fullIdentity: true })).toEqual({
      PORTAGE_MIGRATE_SOURCE: "postgresql://a",
      PORTAGE_MIGRATE_TARGET: "postgresql://b",
      PORTAGE_MIGRATE_FULL_IDENTITY: "1",
    });
  });
});

describe("the rehearsal's write freeze", () => {
  const at = (sentMs: number, result: WriteOutcome["result"], id?: number): WriteOutcome => ({ sentMs, result, cloud: "aws", id });

  it("runs from the first refused write to the first accepted one after the last refusal", () => {
    const r = summarize([at(0, "accepted", 1), at(100, "refused"), at(600, "refused"), at(1300, "refused"), at(1400, "accepted", 2)]);
    expect(r.freeze).toEqual({ fromMs: 100, toMs: 1400, seconds: 1.3 });
    expect(r.refused).toBe(3);
    expect(r.ids).toEqual({ aws: [1, 2] });
  });

  it("is none when nothing was refused, and a failure is never counted as a refusal", () => {
    const r = summarize([at(0, "accepted", 1), at(50, "failed"), at(100, "accepted", 2)]);
    expect(r.freeze).toBeNull();
    expect(r.failed).toBe(1);
  });
});

describe("finish waits for the domain to leave the source's edges", () => {
  const inputs = { domain: "app.example.com", sourceAddresses: ["198.51.100.7", "198.51.100.8"] };
  const resolving =
    (...addresses: string[]) =>
    () =>
      Promise.resolve(addresses);

  it("refuses while an A record is a source edge's address, naming it and what to do", async () => {
    const reason = await stillAtSource(inputs, resolving("203.0.113.9", "198.51.100.8"));
    expect(reason).toContain("app.example.com still resolves to the source's edge (198.51.100.8)");
    expect(reason).toContain("migration.targetEdgeAddress");
  });

  it("lets finish go once no record points at the source", async () => {
    expect(await stillAtSource(inputs, resolving("203.0.113.9"))).toBeUndefined();
  });

  it("refuses a domain that does not resolve from the operator's machine, with the resolver's code", async () => {
    const reason = await stillAtSource(inputs, () => Promise.reject(Object.assign(new Error("not found"), { code: "ENOTFOUND" })));
    expect(reason).toMatch(/does not resolve from this machine \(ENOTFOUND\)/);
  });
});
