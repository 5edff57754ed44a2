import type { CloudProvider } from "../config";
import type { SecretRef } from "../secrets/names";

/**
 * What the renderers of on-VM files take. Nothing here changes with the app version, and nothing
 * here is a secret: secrets are fetched at boot from the store by name (`secrets.entries`).
 */

/** Where a VM fetches secrets and releases from. `file` is a local directory (the test fleet). */
export interface StoreLocation {
  provider: CloudProvider | "file";
  /** aws: the region of the SSM parameters and the bucket; gcp: the project id; file: a directory. */
  location: string;
}

export interface NodeRuntime {
  provider: CloudProvider | "file";
  app: { name: string; ports: [number, number]; healthPath: string };
  node: { name: string };
  admin: { user: string; sshPublicKey: string };
  /** aws: SSM region; gcp: project id; file: directory holding one file per env name. */
  secrets: StoreLocation & { entries: SecretRef[] };
  /** The bucket and key prefix of releases: `releases/<app>-<version>.tar.gz` and the pointer `releases/current`. */
  releases: StoreLocation & { bucket: string; prefix: string };
  cluster: { nodesName: string; epmdPort: number; distributionPorts: [number, number] };
  edge: { kind: "haproxy" | "traefik"; /** e.g. http://edge.dev.hello.internal:8404 */ adminUrl: string };
  deploy: { healthTimeoutSeconds: number };
}

export interface EdgeRuntime {
  provider: CloudProvider | "file";
  kind: "haproxy" | "traefik";
  admin: { user: string; sshPublicKey: string };
  app: { name: string; ports: [number, number]; healthPath: string };
  domain: string;
  acmeEmail: string;
  /** Port of the HAProxy stats / Traefik API on the edge's private address. */
  adminPort: number;
  secrets: StoreLocation & { entries: SecretRef[] };
}

/** What changes when the fleet changes: pushed to the edge and reloaded without a restart. */
export interface EdgeRoutes {
  kind: "haproxy" | "traefik";
  app: { name: string; ports: [number, number]; healthPath: string };
  domain: string;
  acmeEmail: string;
  /** The edge's own private address: where the admin API listens (never public). */
  privateAddress: string;
  adminPort: number;
  nodes: { name: string; address: string }[];
}
