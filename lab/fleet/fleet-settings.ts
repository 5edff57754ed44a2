import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EdgeRuntime, NodeRuntime } from "../../components/node";
import { settingsEntry } from "../../components/node/app-env";
import { nodeSecretEnv, type SecretRef } from "../../components/secrets/names";

/** What the local fleet runs: the fixture app on portage's default ports, a private zone, a `file` store. */
export const app = { name: "hello", ports: [4000, 4001] as [number, number], healthPath: "/ping" };
export const zone = "e2e.hello.internal";
export const bucket = "hello-e2e-bucket";
export const releasePrefix = "releases/";
export const adminPort = 8404;

/** The store entries of the app's own settings (portage:app.env, portage:app.secrets). */
export const appSettingsRefs = { env: "hello-e2e-app-env", secrets: "hello-e2e-app-secrets" };

/** The bucket region the S3 stand-in signs for (any region: the nodes and the stack must agree on it). */
export const bucketRegion = "us-east-1";

/** Writes the app's settings where the stack would (one store entry each). */
export function writeAppSettings(storeDir: string, settings: { env: Record<string, string>; secrets: Record<string, string> }): void {
  writeFileSync(join(storeDir, "secrets", appSettingsRefs.env), settingsEntry(settings.env), { mode: 0o600 });
  writeFileSync(join(storeDir, "secrets", appSettingsRefs.secrets), settingsEntry(settings.secrets), { mode: 0o600 });
}

/**
 * What the nodes of an agent fleet add: portage-agent, the app's settings, and the bucket through
 * the S3 stand-in (`standIn`: its URL serves the bucket and IMDS) instead of the file store.
 */
export interface AgentRuntime {
  pollSeconds?: number;
  standIn: string;
  appSettings: boolean;
}

/** The store (one file per secret, the bucket as a directory) and what the edge's and nodes' renderers take. */
export function runtimes(
  storeDir: string,
  healthTimeoutSeconds: number,
  agent?: AgentRuntime,
): { edge: EdgeRuntime; node: (name: string, address: string) => NodeRuntime } {
  const secrets: SecretRef[] = nodeSecretEnv.map((env) => ({ env, ref: `hello-e2e-${env.toLowerCase().replace(/_/g, "-")}` }));
  const values: Record<string, string> = {
    DATABASE_URL: "ecto://hello:unused@127.0.0.1/hello",
    SECRET_KEY_BASE: randomBytes(48).toString("base64"),
    RELEASE_COOKIE: randomBytes(24).toString("hex"),
    PHX_HOST: `edge.${zone}`,
    EDGE_ADMIN_PASSWORD: randomBytes(18).toString("base64url"),
  };
  mkdirSync(join(storeDir, "secrets"), { recursive: true });
  mkdirSync(join(storeDir, "releases", bucket, releasePrefix), { recursive: true });
  for (const s of secrets) writeFileSync(join(storeDir, "secrets", s.ref), values[s.env] ?? "", { mode: 0o600 });

  const admin = {
    user: "portage",
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExbxDw9EbFfV1Nt2iyONpbDfB1y1D6RjGSEjZph2L9u local-fleet",
  };
  const store = (location: string) => ({ provider: "file" as const, location: join(storeDir, location) });
  return {
    edge: {
      provider: "file",
      kind: "haproxy",
      admin,
      app,
      domain: "",
      acmeEmail: "",
      adminPort,
      secrets: { ...store("secrets"), entries: secrets.filter((s) => s.env === "EDGE_ADMIN_PASSWORD") },
    },
    node: (name, address) => ({
      provider: "file",
      app,
      node: { name, address },
      admin,
      secrets: { ...store("secrets"), entries: secrets },
      releases: { ...store("releases"), bucket, prefix: releasePrefix },
      cluster: { nodesName: `nodes.${zone}`, epmdPort: 4369, distributionPorts: [9100, 9155] },
      edge: { kind: "haproxy", adminUrl: `http://edge.${zone}:${adminPort}` },
      deploy: { healthTimeoutSeconds },
      // An agent fleet reads the bucket as an AWS VM does: S3 by curl, signed with IMDSv2 credentials.
      ...(agent
        ? {
            releases: { provider: "aws" as const, location: bucketRegion, bucket, prefix: releasePrefix },
            agent: agent.pollSeconds ? { pollSeconds: agent.pollSeconds } : {},
            endpoints: { bucket: agent.standIn, metadata: agent.standIn },
            ...(agent.appSettings ? { appSettings: appSettingsRefs } : {}),
          }
        : {}),
    }),
  };
}
