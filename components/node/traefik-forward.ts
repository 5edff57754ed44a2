import { Document, isScalar } from "yaml";
import { traefikRoutesConfig, type TraefikDynamic } from "./traefik";
import type { EdgeForward, EdgeRoutes } from "./types";

/** Names in the forwarding file: the HTTP service and its TLS settings, and the TCP route of port 80. */
export const traefikForward = { service: "forward", transport: "forward", web: "forward-web", server: "target-edge" };

/**
 * The source edge's Traefik routes while a migration's cutover sends everything to the target's edge
 * (`forward.address`, its private address through the VPN). The app router keeps its entry point, rule,
 * TLS (the source's own certificate for its clients) and retry middleware, and sends to `forward`:
 * - with a domain, the target's HTTPS port with the domain as SNI and Host. Its certificate is not
 *   verified: it may still be self-signed until the ACME challenges this forwarding carries get it
 *   one, and the VPN encrypts and authenticates the path. Health-checked with the domain as Host,
 *   since the target's router matches it.
 * - without, the target's port 80.
 * The node services are left out: Traefik builds and health-checks only the services a router uses,
 * so keeping them would not keep them warm; the routes file of `traefikRoutesYaml` switches back.
 *
 * The ACME HTTP-01 challenge: Traefik's resolver adds an internal router on the `web` entry point,
 * `PathPrefix(/.well-known/acme-challenge/)` at priority MaxInt (pkg/provider/traefik/internal.go),
 * whose handler answers only its own tokens (404 for the target's, pkg/provider/acme/challenge_http.go): no file
 * router can outrank it, and `allowACMEByPass` is a static setting (a new edge VM). A TCP router
 * is matched before any HTTP router of its entry point for a connection that is not TLS
 * (pkg/server/router/tcp/router.go), so with a domain `HostSNI(*)` on `web` hands port 80 whole to
 * the target's port 80: Let's Encrypt's validation of the target's certificate reaches the target's
 * own resolver, and everything else there is the same redirection to HTTPS the target would answer.
 * The source cannot renew its own certificate meanwhile (its challenges reach the target too), as
 * with HAProxy; a migration lasts days, renewal starts 30 days before expiry.
 */
export function traefikForwardConfig(routes: EdgeRoutes, forward: EdgeForward): TraefikDynamic {
  const tls = routes.domain !== "";
  const normal = traefikRoutesConfig(routes);
  const routers = Object.fromEntries(
    Object.entries(normal.http.routers).map(([name, r]) => [name, { ...r, service: traefikForward.service }]),
  );
  return {
    http: {
      routers,
      // The same retry as the node routes: only a request none of whose bytes left is sent again.
      middlewares: normal.http.middlewares,
      services: {
        [traefikForward.service]: {
          loadBalancer: {
            servers: [{ url: tls ? `https://${forward.address}:443` : `http://${forward.address}:80` }],
            healthCheck: { path: routes.app.healthPath, interval: "2s", timeout: "1s", ...(tls ? { hostname: routes.domain } : {}) },
            // Host travels unchanged; X-Forwarded-For gets the client here.
            passHostHeader: true,
            ...(tls ? { serversTransport: traefikForward.transport } : {}),
          },
        },
      },
      ...(tls ? { serversTransports: { [traefikForward.transport]: { serverName: routes.domain, insecureSkipVerify: true } } } : {}),
    },
    ...(tls
      ? {
          tcp: {
            routers: { [traefikForward.web]: { entryPoints: ["web"], rule: "HostSNI(`*`)", service: traefikForward.web } },
            services: { [traefikForward.web]: { loadBalancer: { servers: [{ address: `${forward.address}:80` }] } } },
          },
        }
      : {}),
  };
}

/** The forwarding routes file; the target's url is followed by its name, as the node servers are (portage-edge-status). */
export function traefikForwardYaml(routes: EdgeRoutes, forward: EdgeForward): string {
  const doc = new Document(traefikForwardConfig(routes, forward));
  const url = doc.getIn(["http", "services", traefikForward.service, "loadBalancer", "servers", 0, "url"], true);
  if (isScalar(url)) url.comment = ` ${traefikForward.server}`;
  return (
    `# portage: Traefik routes for ${routes.app.name}, forwarding to the migration's target edge ${forward.address} ` +
    `(replaced by portage-edge-apply)\n${doc.toString({ lineWidth: 0 })}`
  );
}
