import { Document, isMap, isScalar, isSeq, stringify } from "yaml";
import { localNodes } from "./haproxy";
import type { EdgeRoutes, EdgeRuntime } from "./types";

/**
 * Traefik v3 on the edge: a static config (entry points, the file provider, ACME) written at boot,
 * and the dynamic config (routers, the app service with every node on both ports, health checks,
 * retries) pushed by portage-edge-apply when nodes change; the file provider reloads it by itself.
 * The API and dashboard answer only on the private address, behind basic auth from a users file.
 */

/** Pinned release, checked against its published sha256 before it is installed. */
export const traefikRelease = {
  version: "v3.7.10",
  sha256: "01811bb12d44f17280550f425f5e3128d6c325f2665c09e67a651ca535f490ce",
};

/** Replaced by portage-edge-boot with the edge's private address (unknown when user-data is written). */
export const privateAddressPlaceholder = "@EDGE_PRIVATE_ADDRESS@";

export const traefikPaths = {
  staticTemplate: "/etc/portage/traefik.yml.in",
  static: "/etc/traefik/traefik.yml",
  dynamicDir: "/etc/traefik/dynamic",
  routes: "/etc/traefik/dynamic/portage.yml",
  admin: "/etc/traefik/dynamic/admin.yml",
  users: "/etc/traefik/admin.users",
  acme: "/var/lib/traefik/acme.json",
};

const resolver = "letsencrypt";

export function traefikStaticConfig(
  rt: Pick<EdgeRuntime, "domain" | "acmeEmail" | "adminPort">,
  privateAddress = privateAddressPlaceholder,
): object {
  const tls = rt.domain !== "";
  return {
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    log: { level: "INFO" },
    entryPoints: {
      web: {
        address: ":80",
        // The ACME HTTP challenge is answered before this redirection applies.
        ...(tls ? { http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } } } : {}),
      },
      ...(tls ? { websecure: { address: ":443", http: { tls: { certResolver: resolver } } } } : {}),
      admin: { address: `${privateAddress}:${rt.adminPort}` },
    },
    providers: { file: { directory: traefikPaths.dynamicDir, watch: true } },
    api: { dashboard: true },
    ...(tls
      ? {
          certificatesResolvers: {
            [resolver]: { acme: { email: rt.acmeEmail, storage: traefikPaths.acme, httpChallenge: { entryPoint: "web" } } },
          },
        }
      : {}),
    serversTransport: { maxIdleConnsPerHost: 256, forwardingTimeouts: { dialTimeout: "2s", idleConnTimeout: "30s" } },
  };
}

/** The API and dashboard router: on the private `admin` entry point only, behind basic auth. */
export function traefikAdminConfig(): object {
  return {
    http: {
      routers: {
        admin: {
          entryPoints: ["admin"],
          rule: "PathPrefix(`/api`) || PathPrefix(`/dashboard`)",
          service: "api@internal",
          middlewares: ["admin-auth"],
        },
      },
      middlewares: { "admin-auth": { basicAuth: { usersFile: traefikPaths.users, realm: "portage" } } },
    },
  };
}

/** The load-balancer service of the local nodes; `app-other-regions` holds the rest when there are regions. */
export const traefikServices = { local: "app", otherRegions: "app-other-regions", failover: "app-failover" };

/** The parts of Traefik's dynamic config (file provider) portage writes. */
export interface TraefikDynamic {
  http: {
    routers: Record<string, TraefikRouter>;
    middlewares: Record<string, object>;
    services: Record<string, object>;
    serversTransports?: Record<string, object>;
  };
  tcp?: { routers: Record<string, TraefikRouter>; services: Record<string, object> };
}

// A type, not an interface: tests read it as a plain record.
export type TraefikRouter = {
  entryPoints: string[];
  rule: string;
  service: string;
  middlewares?: string[];
  tls?: object;
};

export function traefikRoutesConfig(routes: EdgeRoutes): TraefikDynamic {
  const tls = routes.domain !== "";
  const local = localNodes(routes);
  const pool = (nodes: EdgeRoutes["nodes"]) => ({
    loadBalancer: {
      servers: nodes.flatMap((n) => routes.app.ports.map((p) => ({ url: `http://${n.address}:${p}` }))),
      healthCheck: { path: routes.app.healthPath, interval: "2s", timeout: "1s", headers: { "X-Forwarded-Proto": "https" } },
      passHostHeader: true,
    },
  });
  const others = routes.nodes.filter((n) => !local.has(n.name));
  // Traefik's failover service: the fallback gets requests only while the main service has no
  // healthy server (its health check decides). https://doc.traefik.io/traefik/routing/services/#failover
  const services =
    others.length === 0
      ? { [traefikServices.local]: pool(routes.nodes) }
      : {
          [traefikServices.failover]: { failover: { service: traefikServices.local, fallback: traefikServices.otherRegions } },
          [traefikServices.local]: pool(routes.nodes.filter((n) => local.has(n.name))),
          [traefikServices.otherRegions]: pool(others),
        };
  return {
    http: {
      routers: {
        app: {
          entryPoints: [tls ? "websecure" : "web"],
          rule: tls ? `Host(\`${routes.domain}\`)` : "PathPrefix(`/`)",
          service: others.length === 0 ? traefikServices.local : traefikServices.failover,
          middlewares: ["retry"],
          ...(tls ? { tls: { certResolver: resolver } } : {}),
        },
      },
      middlewares: {
        // Resends a request only when no byte of it reached a server (a refused or failed connection):
        // Traefik's retry middleware stops for good once the request's headers were written
        // (pkg/middlewares/retry, httptrace WroteHeaders), so a POST that went out is never sent twice.
        retry: { retry: { attempts: 3, initialInterval: "100ms" } },
      },
      services,
    },
  };
}

/** The routes file, each server's url followed by its name (what portage-edge-status prints). */
export function traefikRoutesYaml(routes: EdgeRoutes): string {
  const doc = new Document(traefikRoutesConfig(routes));
  const local = localNodes(routes);
  const named = (nodes: EdgeRoutes["nodes"]) => nodes.flatMap((n) => routes.app.ports.map((p) => `${n.name}-${p}`));
  const pools: [string, string[]][] = [
    [traefikServices.local, named(routes.nodes.filter((n) => local.has(n.name)))],
    [traefikServices.otherRegions, named(routes.nodes.filter((n) => !local.has(n.name)))],
  ];
  for (const [service, names] of pools) {
    const servers = doc.getIn(["http", "services", service, "loadBalancer", "servers"], true);
    if (isSeq(servers)) {
      servers.items.forEach((item, i) => {
        const url = isMap(item) ? item.items[0]?.value : undefined;
        if (isScalar(url)) url.comment = ` ${names[i] ?? ""}`;
      });
    }
  }
  return `# portage: Traefik routes for ${routes.app.name} (replaced by portage-edge-apply when nodes change)\n${doc.toString({ lineWidth: 0 })}`;
}

export function yamlFile(header: string, value: object): string {
  return `# ${header}\n${stringify(value, { lineWidth: 0 })}`;
}
