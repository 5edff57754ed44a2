import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { edgeFiles, edgeRoutesFiles, edgeUserData } from "../../components/node/edge";
import { haproxyConfig } from "../../components/node/haproxy";
import { traefikPaths, traefikRoutesConfig } from "../../components/node/traefik";
import type { EdgeRuntime } from "../../components/node/types";
import { edgeRt, routes } from "../artifacts/support/variants";
import { section } from "../support/haproxy";

describe("HAProxy config", () => {
  const r = routes("haproxy", false, 3);
  const config = haproxyConfig(r);

  it("lists every node on both ports, health-checked on the app's health path every 2 s, fall/rise 2", () => {
    const app = section(config, "backend app");
    expect(app.filter((l) => l.startsWith("server "))).toEqual(
      r.nodes.flatMap((n) => [`server ${n.name}-4000 ${n.address}:4000`, `server ${n.name}-4001 ${n.address}:4001`]),
    );
    expect(app).toContain("option httpchk");
    expect(app).toContain("http-check send meth GET uri /ping ver HTTP/1.1 hdr Host localhost hdr X-Forwarded-Proto https");
    expect(app).toContain("http-check expect status 200-299");
    expect(app).toContain("default-server check inter 2s fastinter 1s fall 2 rise 2 observe layer4 error-limit 1 on-error mark-down");
  });

  it("keeps connections alive on both sides and reuses server connections", () => {
    const defaults = section(config, "defaults");
    expect(defaults).toContain("option http-keep-alive");
    expect(defaults).toContain("http-reuse safe");
    // A reload never closes an idle client connection under a request: the old process answers it first.
    expect(defaults).toContain("option idle-close-on-response");
    expect(config).not.toMatch(/httpclose|http-server-close|forceclose/);
  });

  it("retries failed connections on another server, and resends nothing but GET/HEAD after a request went out", () => {
    const defaults = section(config, "defaults");
    expect(defaults).toEqual(
      expect.arrayContaining(["retries 3", "option redispatch 1", "retry-on conn-failure empty-response response-timeout"]),
    );
    expect(section(config, "backend app")).toContain("http-request disable-l7-retry unless METH_GET");
  });

  it("runs master-worker with a local admin socket that hands its listeners over on reload", () => {
    const global = section(config, "global");
    expect(global).toContain("master-worker");
    expect(global).toContain("stats socket /run/haproxy/admin.sock mode 600 level admin expose-fd listeners");
    expect(global).toContain("server-state-file /var/lib/haproxy/server-state");
    expect(section(config, "defaults")).toContain("load-server-state-from-file global");
  });

  it("serves stats and admin only on the edge's private address, with the password from the environment", () => {
    const admin = section(config, "frontend admin");
    expect(admin).toContain('bind "10.100.0.10:8404"');
    expect(admin).toContain('stats auth "portage:${EDGE_ADMIN_PASSWORD}"');
    expect(admin).toContain("stats admin if TRUE");
    expect(admin).toContain("stats show-legends");
    // No other frontend carries stats, and no bind other than the public web ports and the private admin one.
    expect(config.match(/stats enable/g)).toHaveLength(1);
    expect(
      config
        .split("\n")
        .filter((l) => l.trim().startsWith("bind "))
        .map((l) => l.trim()),
    ).toEqual(["bind :80", 'bind "10.100.0.10:8404"']);
  });

  it("without a domain: plain HTTP, no redirect, no certificate", () => {
    expect(config).not.toMatch(/ssl|redirect|acme/);
  });

  it("with a domain: TLS with HTTP/2, HTTP redirected to HTTPS except the ACME challenge, which goes to certbot", () => {
    const tls = haproxyConfig(routes("haproxy", true, 1));
    const web = section(tls, "frontend web");
    expect(web).toContain("bind :443 ssl crt /etc/haproxy/certs/site.pem alpn h2,http/1.1");
    expect(web).toContain("http-request redirect scheme https code 301 unless { ssl_fc } || { path_beg /.well-known/acme-challenge/ }");
    expect(web).toContain("use_backend acme if { path_beg /.well-known/acme-challenge/ }");
    expect(section(tls, "backend acme")).toEqual(["server certbot 127.0.0.1:8888"]);
    expect(section(tls, "backend app")).toContain(
      "http-check send meth GET uri /ping ver HTTP/1.1 hdr Host app.example.com hdr X-Forwarded-Proto https",
    );
    expect(section(tls, "global")).toContain("ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets");
  });

  it("takes other paths and binds so a test can run the same config in a scratch directory", () => {
    const scratch = haproxyConfig(r, {
      socket: "/tmp/x/admin.sock",
      stateFile: "/tmp/x/state",
      chroot: null,
      user: null,
      log: "stderr",
      httpBind: "127.0.0.1:18080",
      adminBind: "127.0.0.1:18404",
      pidFile: "/tmp/x/pid",
    });
    const global = section(scratch, "global");
    expect(global).toContain("stats socket /tmp/x/admin.sock mode 600 level admin expose-fd listeners");
    expect(global).toContain("pidfile /tmp/x/pid");
    expect(global).not.toContain("chroot /var/lib/haproxy");
    expect(global.some((l) => l.startsWith("user "))).toBe(false);
    expect(section(scratch, "frontend web")).toContain("bind 127.0.0.1:18080");
    expect(section(scratch, "frontend admin")).toContain('bind "127.0.0.1:18404"');
  });

  it("is what the edge gets pushed when nodes change", () => {
    expect(edgeRoutesFiles(r)).toEqual([{ path: "/etc/haproxy/haproxy.cfg", content: config, mode: "0644" }]);
  });

  it("with regions: the edge's own region's nodes first, every other region's node a backup used together", () => {
    const regional = routes("haproxy", false, 4, ["virginia", "london"]);
    const app = section(haproxyConfig(regional), "backend app");
    expect(app.filter((l) => l.startsWith("server "))).toEqual([
      "server virginia-1-4000 10.100.1.10:4000",
      "server virginia-1-4001 10.100.1.10:4001",
      "server london-1-4000 10.101.1.11:4000 backup",
      "server london-1-4001 10.101.1.11:4001 backup",
      "server virginia-2-4000 10.100.1.12:4000",
      "server virginia-2-4001 10.100.1.12:4001",
      "server london-2-4000 10.101.1.13:4000 backup",
      "server london-2-4001 10.101.1.13:4001 backup",
    ]);
    expect(app).toContain("option allbackups");
    // london's edge: the same nodes the other way round.
    const london = section(haproxyConfig({ ...regional, region: "london" }), "backend app");
    expect(london.filter((l) => l.endsWith(" backup")).map((l) => l.split(" ")[1])).toEqual([
      "virginia-1-4000",
      "virginia-1-4001",
      "virginia-2-4000",
      "virginia-2-4001",
    ]);
  });

  it("one region, or an edge in a region without nodes: one pool, as without regions", () => {
    const one = routes("haproxy", false, 3, ["virginia"]);
    expect(haproxyConfig(one)).toBe(
      haproxyConfig({ ...one, region: undefined, nodes: one.nodes.map(({ name, address }) => ({ name, address })) }),
    );
    expect(haproxyConfig(one)).not.toContain("backup");
    expect(haproxyConfig({ ...one, region: "sydney" })).not.toContain("backup");
  });
});

describe("Traefik config", () => {
  it("every node on both ports, health checks every 2 s, a retry middleware on the app's router", () => {
    const r = routes("traefik", false, 2);
    const http = (traefikRoutesConfig(r) as { http: Record<string, Record<string, Record<string, unknown>>> }).http;
    expect(http.services!.app).toEqual({
      loadBalancer: {
        servers: r.nodes.flatMap((n) => [{ url: `http://${n.address}:4000` }, { url: `http://${n.address}:4001` }]),
        healthCheck: { path: "/ping", interval: "2s", timeout: "1s", headers: { "X-Forwarded-Proto": "https" } },
        passHostHeader: true,
      },
    });
    expect(http.routers!.app).toMatchObject({ entryPoints: ["web"], middlewares: ["retry"], service: "app" });
    expect(http.middlewares!.retry).toEqual({ retry: { attempts: 3, initialInterval: "100ms" } });
  });

  it("with regions: a failover service that sends to the other regions only while the edge's own has no healthy server", () => {
    const r = routes("traefik", false, 4, ["virginia", "london"]);
    const http = (traefikRoutesConfig(r) as { http: Record<string, Record<string, Record<string, unknown>>> }).http;
    const urls = (names: string[]) =>
      r.nodes
        .filter((n) => names.includes(n.region ?? ""))
        .flatMap((n) => [{ url: `http://${n.address}:4000` }, { url: `http://${n.address}:4001` }]);
    expect(http.routers!.app).toMatchObject({ service: "app-failover" });
    expect(http.services!["app-failover"]).toEqual({ failover: { service: "app", fallback: "app-other-regions" } });
    expect(http.services!.app).toMatchObject({ loadBalancer: { servers: urls(["virginia"]), healthCheck: { path: "/ping" } } });
    expect(http.services!["app-other-regions"]).toMatchObject({
      loadBalancer: { servers: urls(["london"]), healthCheck: { path: "/ping" } },
    });
    const [file] = edgeRoutesFiles(r);
    expect(file!.content).toContain("- url: http://10.101.1.11:4001 # london-1-4001");
    expect(file!.content).toContain("- url: http://10.100.1.12:4000 # virginia-2-4000");
  });

  it("with a domain: the router serves HTTPS with the ACME resolver", () => {
    const http = (traefikRoutesConfig(routes("traefik", true, 1)) as { http: { routers: Record<string, unknown> } }).http;
    expect(http.routers.app).toMatchObject({
      entryPoints: ["websecure"],
      rule: "Host(`app.example.com`)",
      tls: { certResolver: "letsencrypt" },
    });
  });

  it("the routes file names each server, for portage-edge-status", () => {
    const [file] = edgeRoutesFiles(routes("traefik", false, 1));
    expect(file!.path).toBe("/etc/traefik/dynamic/portage.yml");
    expect(file!.content).toContain("- url: http://10.100.1.10:4000 # virginia-1-4000");
    expect(file!.content).toContain("- url: http://10.100.1.10:4001 # virginia-1-4001");
  });

  const staticConfig = (domain: boolean) =>
    parse(edgeFiles(edgeRt("aws", "traefik", domain)).find((f) => f.path === traefikPaths.staticTemplate)!.content) as {
      entryPoints: Record<string, { address: string; http?: unknown }>;
      api: Record<string, unknown>;
      certificatesResolvers?: Record<string, { acme: Record<string, unknown> }>;
    };

  it("the API and dashboard listen only on the private address, behind basic auth from a users file", () => {
    const s = staticConfig(false);
    expect(s.entryPoints.admin).toEqual({ address: "@EDGE_PRIVATE_ADDRESS@:8404" });
    expect(s.api).toEqual({ dashboard: true });
    const admin = parse(edgeFiles(edgeRt("aws", "traefik", false)).find((f) => f.path === traefikPaths.admin)!.content) as {
      http: {
        routers: Record<string, { entryPoints: string[]; service: string; middlewares: string[] }>;
        middlewares: Record<string, unknown>;
      };
    };
    expect(admin.http.routers.admin).toMatchObject({ entryPoints: ["admin"], service: "api@internal", middlewares: ["admin-auth"] });
    expect(admin.http.middlewares["admin-auth"]).toEqual({ basicAuth: { usersFile: "/etc/traefik/admin.users", realm: "portage" } });
  });

  it("with a domain: HTTPS entry point, HTTP redirected, Let's Encrypt over the HTTP challenge", () => {
    const s = staticConfig(true);
    expect(s.entryPoints.websecure).toEqual({ address: ":443", http: { tls: { certResolver: "letsencrypt" } } });
    expect(s.entryPoints.web!.http).toEqual({ redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } });
    expect(s.certificatesResolvers?.letsencrypt?.acme).toEqual({
      email: "ops@example.com",
      storage: "/var/lib/traefik/acme.json",
      httpChallenge: { entryPoint: "web" },
    });
    expect(staticConfig(false).certificatesResolvers).toBeUndefined();
  });
});

describe("a certificate shared by an edge pair", () => {
  // The stack's bucket, which the edge's agent reads too.
  const bucket = edgeRt("aws", "haproxy", true).agent!.bucket.bucket;
  const shared = (renewer: boolean): EdgeRuntime => ({
    ...edgeRt("aws", "haproxy", true),
    sharedCertificate: {
      provider: "aws" as const,
      location: "us-east-1",
      bucket,
      key: "edge/tls/app.example.com.pem",
      renewer,
    },
  });
  const settings = (rt: EdgeRuntime) => edgeFiles(rt).find((f) => f.path === "/etc/portage/edge.env")!.content;

  it("tells each edge where the certificate is kept and whether it renews it", () => {
    for (const renewer of [true, false]) {
      const env = settings(shared(renewer));
      expect(env).toContain(`BUCKET="${bucket}"`);
      expect(env).toContain('CERT_KEY="edge/tls/app.example.com.pem"');
      expect(env).toContain('RELEASES_PROVIDER="aws"');
      expect(env).toContain(`CERT_RENEWER="${renewer}"`);
    }
    expect(settings({ ...shared(true), sharedCertificate: undefined })).not.toContain("CERT_KEY");
  });

  it("only the renewer installs certbot", () => {
    expect(edgeUserData(shared(true))).toMatch(/^ {2}- certbot$/m);
    expect(edgeUserData(shared(false))).not.toMatch(/^ {2}- certbot$/m);
  });

  it("the other edges send the ACME challenge to the renewer's certbot", () => {
    const r = { ...routes("haproxy", true, 2), acmeServer: "10.100.0.11:8888" };
    expect(section(haproxyConfig(r), "backend acme")).toEqual(["server certbot 10.100.0.11:8888"]);
    expect(section(haproxyConfig(routes("haproxy", true, 2)), "backend acme")).toEqual(["server certbot 127.0.0.1:8888"]);
  });

  it("refuses a shared certificate on Traefik, which keeps its own ACME store", () => {
    expect(() => edgeFiles({ ...shared(true), kind: "traefik" })).toThrow(/shared certificate is for HAProxy edges/);
  });
});
