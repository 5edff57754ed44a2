import type { CloudProvider, EdgeKind } from "../config";
import type { SecretRef } from "../secrets/names";

/**
 * What the renderers of on-VM files take. Nothing here changes with the app version, and nothing
 * here is a secret: secrets are fetched at boot from the store by name (`secrets.entries`).
 */

/** A file a VM gets: absolute path on the VM, content, octal mode (e.g. "0755"). */
export interface VmFile {
  path: string;
  content: string;
  mode: string;
}

/** Where a VM fetches secrets and releases from. `file` is a local directory (the test fleet). */
export interface StoreLocation {
  provider: CloudProvider | "file";
  /** aws: the region of the SSM parameters and the bucket; gcp: the project id; file: a directory. */
  location: string;
}

export interface NodeRuntime {
  provider: CloudProvider | "file";
  app: { name: string; ports: [number, number]; healthPath: string };
  /**
   * `address` pins the node's private address (the local test fleet); the stack leaves it unset so
   * user-data never depends on the address: `portage-boot` finds it on the VM.
   */
  node: { name: string; address?: string };
  admin: { user: string; sshPublicKey: string };
  /** aws: SSM region; gcp: project id; file: directory holding one file per env name. */
  secrets: StoreLocation & { entries: SecretRef[] };
  /**
   * The bucket and key prefix of releases: `releases/<app>-<version>.tar.gz` and the pointer
   * `releases/current`. `region` is the bucket's region for the app's BUCKET_REGION (defaults to
   * `location` on aws, empty on gcp where clients do not need it).
   */
  releases: StoreLocation & { bucket: string; prefix: string; region?: string };
  cluster: { nodesName: string; epmdPort: number; distributionPorts: [number, number] };
  edge: { kind: EdgeKind; /** e.g. http://edge.dev.hello.internal:8404 */ adminUrl: string };
  deploy: { healthTimeoutSeconds: number };
  /**
   * Where the database server's CA comes from, so that the app can verify the server
   * (`DATABASE_CA_FILE`): an https URL (RDS's regional bundle) or a key of the bucket (Cloud SQL's
   * server CA, which the stack puts there). Unset: none (a local fleet without a database).
   */
  databaseCa?: string;
  /**
   * The node runs `portage-agent`: deploys and jobs through the bucket (components/rollout).
   * `pollSeconds` overrides the agent's default poll interval (2 s); the stack's inbox may too.
   */
  agent?: { pollSeconds?: number };
  /**
   * The store entries (refs) holding the app's own settings and secrets, `NAME="value"` lines each
   * (components/node/app-env.ts). Fixed names: the user's names and values never reach user-data.
   */
  appSettings?: { env: string; secrets: string };
  /** Stand-ins for the cloud's bucket API and metadata server (the local fleet); unset on a VM. */
  endpoints?: { bucket?: string; metadata?: string };
}

export interface EdgeRuntime {
  provider: CloudProvider | "file";
  kind: EdgeKind;
  admin: { user: string; sshPublicKey: string };
  app: { name: string; ports: [number, number]; healthPath: string };
  domain: string;
  acmeEmail: string;
  /** Port of the HAProxy stats / Traefik API on the edge's private address. */
  adminPort: number;
  secrets: StoreLocation & { entries: SecretRef[] };
  /**
   * Several HAProxy edges with a domain share one certificate, kept in the bucket at `key` (readable
   * and writable by the edges only). The `renewer` edge obtains and renews it with certbot and puts
   * it there; the others load it from there (portage-edge-acme) and send the ACME challenge path to
   * the renewer (`EdgeRoutes.acmeServer`). Unset: the edge obtains its own, as a single edge does.
   */
  sharedCertificate?: StoreLocation & { bucket: string; key: string; renewer: boolean };
  /**
   * The edge runs `portage-agent` as agent `name` (`edge`, `edge-<region>-<n>`) with the stack's
   * bucket: its routes are pushed as a job through it (components/rollout's `AgentCommand`), never
   * over SSH.
   */
  agent?: { name: string; bucket: StoreLocation & { bucket: string } };
}

/** What changes when the fleet changes: pushed to the edge and reloaded without a restart. */
export interface EdgeRoutes {
  kind: EdgeKind;
  app: { name: string; ports: [number, number]; healthPath: string };
  domain: string;
  acmeEmail: string;
  /** The edge's own private address: where the admin API listens (never public). */
  privateAddress: string;
  adminPort: number;
  /**
   * The edge's region (a fleet region key). Set with nodes' regions, the edge sends to its own
   * region's nodes and to the others only while its region has no healthy node. Unset: one pool.
   */
  region?: string;
  /**
   * Where `/.well-known/acme-challenge/` goes (address:port): an edge that is not its pair's
   * certificate renewer sends it to the renewer's certbot (`<renewer private address>:8888`).
   * Unset: this edge's own certbot on 127.0.0.1:8888.
   */
  acmeServer?: string;
  nodes: { name: string; address: string; region?: string }[];
}

/**
 * During a migration's cutover the source edge sends every request to the target cloud's edge, so
 * clients whose DNS still points at the old address keep working. Switched on and off like any routes
 * change: `portage-edge-apply` validates the file and the proxy takes it without dropping connections.
 */
export interface EdgeForward {
  /** The target edge's private address, reached through the VPN between the two clouds. */
  address: string;
}
