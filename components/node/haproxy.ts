import type { EdgeRoutes } from "./types";

/** Where HAProxy keeps its files: production defaults, overridable so a test runs the same config in a scratch directory. */
export interface HaproxyOptions {
  /** Runtime API (admin level, hands its listeners to the next process on reload). */
  socket: string;
  /** Null: the service passes it (`-p`), as Ubuntu's haproxy.service does. */
  pidFile: string | null;
  /** Concurrent connections; HAProxy needs about twice as many file descriptors. */
  maxconn: number;
  /** Server states (DOWN, DRAIN) saved before a reload and loaded by the new process. */
  stateFile: string;
  /** Certificate + key in one PEM: self-signed until Let's Encrypt issues the real one. */
  certFile: string;
  chroot: string | null;
  /** The user and group workers drop to; null keeps the starting user (tests). */
  user: string | null;
  /** A syslog target: `/dev/log`, `stderr`, `stdout`. */
  log: string;
  httpBind: string;
  httpsBind: string;
  /** certbot's standalone HTTP-01 responder (answers the ACME challenge through HAProxy). */
  acmeServer: string;
  /** Where the stats / admin API listens; default `<privateAddress>:<adminPort>`. */
  adminBind?: string;
}

export const haproxyDefaults: HaproxyOptions = {
  socket: "/run/haproxy/admin.sock",
  pidFile: null,
  maxconn: 8000,
  stateFile: "/var/lib/haproxy/server-state",
  certFile: "/etc/haproxy/certs/site.pem",
  chroot: "/var/lib/haproxy",
  user: "haproxy",
  log: "/dev/log",
  httpBind: ":80",
  httpsBind: ":443",
  acmeServer: "127.0.0.1:8888",
};

/** The marker portage-edge-boot looks for to tell its config from the package's default one. */
export const haproxyMarker = "# portage: HAProxy edge";

export const acmeChallengePath = "/.well-known/acme-challenge/";

/** HAProxy's server name for a node's port; the deploy script finds servers by address:port instead. */
export function haproxyServerName(node: string, port: number): string {
  return `${node}-${port}`;
}

/**
 * The nodes an edge sends to first: those of its own region. Other regions' nodes are the fallback
 * while none of these is healthy. Every node is local when the edge has no region, a node has none,
 * or the edge's region has no node at all (an edge in a region without nodes serves them all).
 */
export function localNodes(routes: Pick<EdgeRoutes, "region" | "nodes">): Set<string> {
  const mine = routes.nodes.filter((n) => routes.region === undefined || n.region === undefined || n.region === routes.region);
  return new Set((mine.length > 0 ? mine : routes.nodes).map((n) => n.name));
}

/**
 * The edge's whole HAProxy config for the current node list: every node on both ports (the free
 * color fails its health check and gets nothing), other regions' nodes as backups, keep-alive both sides, retries that never replay
 * a request the app may have processed, the admin API on the private address only, TLS when a
 * domain is set. Applied by `portage-edge-apply` with a hitless reload (master-worker).
 */
export function haproxyConfig(routes: EdgeRoutes, options: Partial<HaproxyOptions> = {}): string {
  const o = { ...haproxyDefaults, ...(routes.acmeServer ? { acmeServer: routes.acmeServer } : {}), ...options };
  const tls = routes.domain !== "";
  const adminBind = o.adminBind ?? `${routes.privateAddress}:${routes.adminPort}`;
  const local = localNodes(routes);
  // Other regions' nodes are `backup` servers: used only while no server of this region is usable.
  const servers = routes.nodes.flatMap((n) =>
    routes.app.ports.map((p) => `    server ${haproxyServerName(n.name, p)} ${n.address}:${p}${local.has(n.name) ? "" : " backup"}`),
  );
  const backups = local.size < routes.nodes.length;
  const lines = [
    `${haproxyMarker} for ${routes.app.name} (rendered by portage; replaced by portage-edge-apply when nodes change)`,
    "global",
    "    master-worker",
    ...(o.user ? [`    user ${o.user}`, `    group ${o.user}`] : []),
    ...(o.chroot ? [`    chroot ${o.chroot}`] : []),
    ...(o.pidFile ? [`    pidfile ${o.pidFile}`] : []),
    `    log ${o.log} local0 info`,
    `    stats socket ${o.socket} mode 600 level admin expose-fd listeners`,
    "    stats timeout 30s",
    `    server-state-file ${o.stateFile}`,
    `    maxconn ${o.maxconn}`,
    // Old workers finish their requests after a reload, but long-lived connections (websockets) do not hold them forever.
    "    hard-stop-after 5m",
    ...(tls
      ? [
          // Mozilla "intermediate": TLS 1.2 and 1.3, forward-secret AEAD ciphers only.
          "    ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
          "    ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
          "    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets",
        ]
      : []),
    "",
    "defaults",
    "    mode http",
    "    log global",
    "    option httplog",
    "    option dontlognull",
    // Successful requests are not logged (they cost CPU on every request); errors and retries are.
    "    option dontlog-normal",
    "    option http-keep-alive",
    // On reload the old process answers one more request on each idle client connection with
    // `Connection: close` instead of closing it under a client that is about to reuse it.
    "    option idle-close-on-response",
    "    option forwardfor",
    "    http-reuse safe",
    // A connection that fails is retried on another server: nothing reached the app, any method is safe.
    "    retries 3",
    "    option redispatch 1",
    "    retry-on conn-failure empty-response response-timeout",
    "    timeout connect 2s",
    "    timeout client 30s",
    "    timeout server 60s",
    "    timeout http-request 10s",
    "    timeout http-keep-alive 30s",
    "    timeout queue 10s",
    "    timeout tunnel 1h",
    "    timeout client-fin 5s",
    "    timeout check 2s",
    "    load-server-state-from-file global",
    "",
    "frontend web",
    `    bind ${o.httpBind}`,
    ...(tls
      ? [
          `    bind ${o.httpsBind} ssl crt ${o.certFile} alpn h2,http/1.1`,
          `    http-request redirect scheme https code 301 unless { ssl_fc } || { path_beg ${acmeChallengePath} }`,
          "    http-request set-header X-Forwarded-Proto https if { ssl_fc }",
          "    http-request set-header X-Forwarded-Proto http unless { ssl_fc }",
          `    use_backend acme if { path_beg ${acmeChallengePath} }`,
        ]
      : ["    http-request set-header X-Forwarded-Proto http"]),
    "    default_backend app",
    "",
    "backend app",
    "    balance roundrobin",
    "    option httpchk",
    // X-Forwarded-Proto: an app behind `force_ssl` (rewrite_on x_forwarded_proto) answers the check instead of redirecting it.
    `    http-check send meth GET uri ${routes.app.healthPath} ver HTTP/1.1 hdr Host ${tls ? routes.domain : "localhost"} hdr X-Forwarded-Proto https`,
    "    http-check expect status 200-299",
    // Beyond connection failures, only GET and HEAD are resent: the app may have acted on anything else.
    "    http-request disable-l7-retry unless METH_GET",
    // A check every 2 s; once one fails (or passes on a down server) the next comes after 1 s, so a
    // dead node is out within ~3 s and a new color is in as fast, while one slow answer never flaps it.
    // A server that refuses or times out a connection is marked down at once (observe layer4), so
    // the request's retry goes elsewhere: a region whose nodes all stopped hands over to the backups
    // within one request instead of failing requests until two checks have failed.
    "    default-server check inter 2s fastinter 1s fall 2 rise 2 observe layer4 error-limit 1 on-error mark-down",
    // Without it only the first healthy backup would take the whole region's traffic.
    ...(backups ? ["    option allbackups"] : []),
    ...servers,
    ...(tls ? ["", "backend acme", `    server certbot ${o.acmeServer}`] : []),
    "",
    "frontend admin",
    `    bind "${adminBind}"`,
    "    stats enable",
    "    stats uri /stats",
    "    stats realm portage",
    '    stats auth "portage:${EDGE_ADMIN_PASSWORD}"',
    "    stats admin if TRUE",
    // Shows each server's address:port, by which portage-deploy finds its own servers.
    "    stats show-legends",
    "",
  ];
  return lines.join("\n");
}
