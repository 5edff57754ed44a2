import { acmeChallengePath, haproxyConfig, type HaproxyOptions } from "./haproxy";
import type { EdgeForward, EdgeRoutes } from "./types";

export const forwardBackend = "forward";
export const forwardServer = "target-edge";

/**
 * The source edge's HAProxy config while it forwards: the same config as `haproxyConfig` (the node
 * backend stays, health-checked, so switching back is as hitless as switching over) with the web
 * frontend's default backend, and the ACME challenges, sent to the target edge. The target edge can
 * then get its certificate for the domain before DNS moves.
 *
 * Written around `haproxyConfig`'s output rather than inside it (another change owns that file now):
 * each anchor line is required, so a change there fails here loudly instead of forwarding nothing.
 */
export function haproxyForwardConfig(routes: EdgeRoutes, forward: EdgeForward, options: Partial<HaproxyOptions> = {}): string {
  const tls = routes.domain !== "";
  const lines = haproxyConfig(routes, options).split("\n");
  const frontend = lines.indexOf("frontend web");
  const next = lines.findIndex((line, i) => i > frontend && !line.startsWith(" "));
  const end = next < 0 ? lines.length : next;
  const anchors = { default: "    default_backend app", acme: `    use_backend acme if { path_beg ${acmeChallengePath} }` };
  const at = (line: string) => lines.slice(frontend, end).indexOf(line) + frontend;
  if (frontend < 0 || at(anchors.default) < frontend) throw new Error("haproxyForwardConfig: no `default_backend app` in the web frontend");
  lines[at(anchors.default)] = `    default_backend ${forwardBackend}`;
  if (tls) {
    if (at(anchors.acme) < frontend) throw new Error("haproxyForwardConfig: no ACME route in the web frontend");
    lines.splice(at(anchors.acme), 1);
  }
  const healthHost = tls ? routes.domain : "localhost";
  // With a domain the target edge redirects plain HTTP, so its HTTPS port is used. The VPN encrypts
  // and authenticates the path; the target's certificate may still be self-signed until the ACME
  // challenges this forwarding carries get it one, hence no verification here.
  const server = tls
    ? `${forward.address}:443 ssl verify none sni str(${routes.domain}) check-sni ${routes.domain}`
    : `${forward.address}:80`;
  const backend = [
    `backend ${forwardBackend}`,
    // Host travels unchanged; X-Forwarded-For gets the client here (option forwardfor) and this edge
    // at the target; the target edge sets X-Forwarded-Proto from its own listener.
    "    option httpchk",
    `    http-check send meth GET uri ${routes.app.healthPath} ver HTTP/1.1 hdr Host ${healthHost}`,
    "    http-check expect status 200-299",
    // As for the nodes: once a request went out, only GET and HEAD are sent again.
    "    http-request disable-l7-retry unless METH_GET",
    `    server ${forwardServer} ${server} check inter 2s fastinter 1s fall 2 rise 2`,
    "",
  ];
  const admin = lines.indexOf("frontend admin");
  lines.splice(admin < 0 ? lines.length : admin, 0, ...backend);
  return lines.join("\n");
}
