import { cloudConfig } from "./cloud-config";
import { envFile } from "./env";
import { storeTools } from "./node";
import { edgeProxies } from "./proxy";
import { script } from "./scripts";
import { traefikRelease } from "./traefik";
import type { EdgeForward, EdgeRoutes, EdgeRuntime, VmFile } from "./types";
import { agentUnit, edgeBootUnit } from "./units";

export { haproxyInitialPath } from "./proxy-haproxy";
export const edgeSettingsPath = "/etc/portage/edge.env";

function edgeSettings(rt: EdgeRuntime): string {
  const password = rt.secrets.entries.find((e) => e.env === "EDGE_ADMIN_PASSWORD");
  if (!password) throw new Error("the edge needs the EDGE_ADMIN_PASSWORD entry of the secret store");
  return envFile(
    [
      ["EDGE_KIND", rt.kind],
      ["APP", rt.app.name],
      ["DOMAIN", rt.domain],
      ["ACME_EMAIL", rt.acmeEmail],
      ["ADMIN_PORT", rt.adminPort],
      ["SECRETS_PROVIDER", rt.secrets.provider],
      ["SECRETS_LOCATION", rt.secrets.location],
      ["EDGE_ADMIN_PASSWORD_REF", password.ref],
      ["TRAEFIK_VERSION", traefikRelease.version],
      ["TRAEFIK_SHA256", traefikRelease.sha256],
      // The bucket portage-bucket (the agent) and portage-fetch (a shared certificate) use.
      ...bucketSettings(rt),
      // A shared certificate: the key, and whether this edge renews it.
      ...sharedCertificateSettings(rt),
    ],
    "portage edge settings (cloud-init writes this file; no secret in it)",
  );
}

function bucketSettings(rt: EdgeRuntime): [string, string][] {
  const shared = rt.sharedCertificate && rt.domain ? rt.sharedCertificate : undefined;
  const agent = rt.agent?.bucket;
  if (shared && agent && (shared.bucket !== agent.bucket || shared.provider !== agent.provider))
    throw new Error("the edge's agent and its shared certificate must use the same bucket");
  const b = agent ?? shared;
  return [
    ...(rt.agent ? ([["AGENT_NAME", rt.agent.name]] as [string, string][]) : []),
    ...(b
      ? ([
          ["RELEASES_PROVIDER", b.provider],
          ["RELEASES_LOCATION", b.location],
          ["BUCKET", b.bucket],
        ] as [string, string][])
      : []),
  ];
}

function sharedCertificateSettings(rt: EdgeRuntime): [string, string][] {
  const c = rt.sharedCertificate;
  if (!c || !rt.domain) return [];
  if (rt.kind !== "haproxy") throw new Error("a shared certificate is for HAProxy edges (Traefik keeps its own ACME store)");
  return [
    ["CERT_KEY", c.key],
    ["CERT_RENEWER", String(c.renewer)],
  ];
}

/** Every file the edge gets from its user-data: no route, no secret; routes come from portage-edge-apply. */
export function edgeFiles(rt: EdgeRuntime): VmFile[] {
  return [
    { path: edgeSettingsPath, content: edgeSettings(rt), mode: "0644" },
    script("lib.sh"),
    script("portage-fetch"),
    script("portage-edge-boot"),
    script("portage-edge-apply"),
    script("portage-edge-status"),
    edgeBootUnit(rt),
    ...edgeProxies[rt.kind].bootFiles(rt),
    ...(rt.agent ? [script("portage-bucket"), script("portage-agent"), agentUnit(["portage-edge-boot.service"])] : []),
  ];
}

/** cloud-config of the edge: writes exactly `edgeFiles(rt)`, installs the proxy, starts portage-edge-boot. */
export function edgeUserData(rt: EdgeRuntime): string {
  const tools = storeTools(rt.provider);
  const proxy = edgeProxies[rt.kind];
  return cloudConfig({
    admin: rt.admin,
    systemUsers: proxy.systemUsers,
    files: edgeFiles(rt),
    packages: [...proxy.packages(rt), ...tools.packages],
    snaps: tools.snaps,
    enable: [...(rt.agent ? ["portage-agent.service"] : []), "portage-edge-boot.service"],
    ...(rt.agent ? { start: ["portage-edge-boot.service", "portage-agent.service"] } : {}),
  });
}

/** The files pushed to the edge when the node list changes (applied by `portage-edge-apply`, stdin = the first). */
export function edgeRoutesFiles(routes: EdgeRoutes): VmFile[] {
  return [edgeProxies[routes.kind].routesFile(routes)];
}

/** What is pushed to a migration's source edge to forward (stdin of `portage-edge-apply`); `edgeRoutesFiles` switches back. */
export function edgeForwardRoutesFiles(routes: EdgeRoutes, forward: EdgeForward): VmFile[] {
  return [edgeProxies[routes.kind].forwardFile(routes, forward)];
}
