import type { SecretEnv } from "../secrets/names";
import { reservedEnvPatterns } from "./app-env";
import { envFile, envQuote } from "./env-file";
import { stores } from "./stores";
import type { NodeRuntime, VmFile } from "./types";

export { envFile, envQuote } from "./env-file";

/**
 * Env files: what the scripts read (`/etc/portage/node.env`) and what the release sees
 * (`/etc/<app>/env` and `/etc/<app>/<port>.env`, written at boot by portage-boot from
 * `/etc/portage/app.env`, the app's settings and the secrets).
 */

/** In /etc/<app>/env, every value after this line is a secret (portage-agent redacts them from what it reports). */
export const secretsMarker = "# secrets";

/** Paths on a node (without PORTAGE_ROOT). */
export const nodePaths = {
  settings: "/etc/portage/node.env",
  appStatic: "/etc/portage/app.env",
  /** Readable by the app user (/etc/<app> is root's only). */
  databaseCa: "/etc/portage/database-ca.pem",
  edgeAdmin: "/etc/portage/edge-admin.env",
  appEnv: (app: string) => `/etc/${app}/env`,
  portEnv: (app: string, port: number) => `/etc/${app}/${port}.env`,
};

/** The settings the node's scripts source: no secret, nothing that changes with the app version. */
export function nodeSettings(rt: NodeRuntime): string {
  return envFile(
    [
      ["APP", rt.app.name],
      ["NODE_NAME", rt.node.name],
      ["NODE_ADDRESS", rt.node.address ?? ""],
      ["PORTS", rt.app.ports.join(" ")],
      ["HEALTH_PATH", rt.app.healthPath],
      ["HEALTH_TIMEOUT_SECONDS", rt.deploy.healthTimeoutSeconds],
      ["SECRETS_PROVIDER", rt.secrets.provider],
      ["SECRETS_LOCATION", rt.secrets.location],
      ["SECRET_REFS", rt.secrets.entries.map((e) => `${e.env}=${e.ref}`).join(" ")],
      ["RELEASES_PROVIDER", rt.releases.provider],
      ["RELEASES_LOCATION", rt.releases.location],
      ["BUCKET", rt.releases.bucket],
      ["RELEASE_PREFIX", rt.releases.prefix],
      ["EDGE_KIND", rt.edge.kind],
      ["EDGE_ADMIN_URL", rt.edge.adminUrl],
      ["DATABASE_CA", rt.databaseCa ?? ""],
      // Only for the features a runtime has, so that a stack without them keeps its user-data.
      ...(rt.appSettings
        ? ([
            ["APP_ENV_REF", rt.appSettings.env],
            ["APP_SECRETS_REF", rt.appSettings.secrets],
            ["RESERVED_ENV", reservedEnvPatterns()],
          ] as const)
        : []),
      ...(rt.agent?.pollSeconds ? ([["AGENT_POLL_SECONDS", rt.agent.pollSeconds]] as const) : []),
      ...(rt.endpoints?.bucket ? ([["BUCKET_ENDPOINT", rt.endpoints.bucket]] as const) : []),
      ...(rt.endpoints?.metadata ? ([["METADATA_URL", rt.endpoints.metadata]] as const) : []),
    ],
    "portage node settings (cloud-init writes this file; no secret in it)",
  );
}

/** The release's non-secret environment; portage-boot appends the secrets to it. */
export function appStaticEnv(rt: NodeRuntime): string {
  const [min, max] = rt.cluster.distributionPorts;
  const bucketRegion = rt.releases.region ?? stores[rt.releases.provider].bucketRegion(rt.releases.location);
  return envFile([
    ["PHX_SERVER", "true"],
    ["BUCKET_NAME", rt.releases.bucket],
    ["BUCKET_REGION", bucketRegion],
    ["RELEASE_DISTRIBUTION", "name"],
    // -start_epmd false: epmd runs in <app>-epmd.service, outside the color units.
    ["ERL_AFLAGS", `-kernel inet_dist_listen_min ${min} inet_dist_listen_max ${max} -start_epmd false`],
    ["ERL_EPMD_PORT", rt.cluster.epmdPort],
    ["DNS_CLUSTER_QUERY", rt.cluster.nodesName],
    ["CLUSTER_BASENAMES", rt.app.ports.map((p) => `${rt.app.name}-${p}`).join(",")],
    // The server's CA, written by portage-boot: what the app verifies the database with.
    ...(rt.databaseCa ? ([["DATABASE_CA_FILE", nodePaths.databaseCa]] as const) : []),
  ]);
}

/**
 * The env files portage-boot writes at boot, rendered here for `npm run render` (with placeholders
 * for the secrets) and for the tests that compare them with what the script wrote.
 */
export function bootEnvFiles(
  rt: NodeRuntime,
  address: string,
  secrets: Partial<Record<SecretEnv, string>>,
  app: { env?: string; secrets?: string } = {},
): VmFile[] {
  const value = (env: SecretEnv) => {
    const v = secrets[env];
    if (v === undefined) throw new Error(`no value for ${env}`);
    return v;
  };
  const storeSecrets = rt.secrets.entries.filter((e) => e.env !== "EDGE_ADMIN_PASSWORD");
  // The app's settings entries as portage-boot appends them: their lines, comments left out.
  const lines = (entry = "") =>
    entry
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => `${l}\n`)
      .join("");
  const files: VmFile[] = [
    {
      path: nodePaths.appEnv(rt.app.name),
      content:
        appStaticEnv(rt) +
        lines(app.env) +
        `${secretsMarker}\n` +
        storeSecrets.map((e) => `${e.env}=${envQuote(value(e.env))}\n`).join("") +
        lines(app.secrets),
      mode: "0600",
    },
  ];
  if (rt.secrets.entries.some((e) => e.env === "EDGE_ADMIN_PASSWORD")) {
    files.push({ path: nodePaths.edgeAdmin, content: envFile([["EDGE_ADMIN_PASSWORD", value("EDGE_ADMIN_PASSWORD")]]), mode: "0600" });
  }
  for (const port of rt.app.ports) {
    files.push({
      path: nodePaths.portEnv(rt.app.name, port),
      content: envFile([
        ["PORT", port],
        ["RELEASE_NODE", `${rt.app.name}-${port}@${address}`],
      ]),
      mode: "0600",
    });
  }
  return files;
}
