import type { AddressSpace, AddressSpaceName, CloudAddresses, RegionAddresses } from "./addresses";

/**
 * The validated, resolved stack spec: what every component receives. Built once by `loadSpec`
 * from the stack config; components never read config themselves.
 *
 * Two layers: the portable spec (`Spec`: sizes by name, regions by the user's names, the app, access,
 * ...) and, for each cloud the program builds a footprint on, what those mean there
 * (`CloudSpec<C>`: provider regions, address ranges, machine types, database tier, account). Both are
 * made and validated in config/, before any resource; a footprint on a cloud takes `spec.clouds[cloud]`.
 */

import type { Cloud, EdgeKind, MigrationPhase } from "./clouds";

export { clouds, edgeKinds, migrationPhases, type Cloud, type CloudProvider, type EdgeKind, type MigrationPhase } from "./clouds";

export interface RegionSpec<C extends Cloud = Cloud> {
  /** The name the user wrote (portable like `virginia`, or the provider's own); used in resource names. */
  key: string;
  /** The provider's region, e.g. `us-east-1` / `us-east4`. */
  region: string;
  /** The first region holds the database, the bucket and the bastion edge. */
  primary: boolean;
  /** Its nodes: its own count (`{ name, nodes }`) or `fleet.nodesPerRegion`. */
  nodes: number;
  /** The region's private range: the VPC (aws) or the subnet (gcp). */
  cidr: string;
  /** Every range inside the region (config/addresses.ts). */
  addresses: RegionAddresses<C>;
}

export interface NodeSpec<C extends Cloud = Cloud> {
  /** `<region key>-<n>`, e.g. `virginia-1`: stable as nodes and regions are added. */
  name: string;
  region: RegionSpec<C>;
  /** 0-based position in its region; picks the zone round-robin. */
  index: number;
}

/**
 * An edge VM: one in every fleet region ("regional edges"), so each region's users enter there. The
 * primary region's first edge is the SSH bastion of rollouts and, when edges share a certificate, its
 * renewer; it keeps the names a single-edge stack always had.
 */
export interface EdgeSpec<C extends Cloud = Cloud> {
  /** `<region key>-<n>`, e.g. `london-1`, like nodes. */
  name: string;
  region: RegionSpec<C>;
  /** 0-based position in its region's group; picks the zone. */
  index: number;
  /** The primary region's first edge: bastion, certificate renewer, the stack's legacy names. */
  first: boolean;
}

/** Where each cloud's footprint lives, from the provider's own config keys (`aws:profile`, `gcp:project`). */
export interface CloudAccounts {
  aws: { profile?: string };
  gcp: { project: string };
}

/** The portable spec resolved for one cloud: everything a footprint on that cloud needs that is cloud-specific. */
export interface CloudSpec<C extends Cloud = Cloud> {
  cloud: C;
  /** In the order of `fleet.regions`; the first is primary. */
  regions: RegionSpec<C>[];
  primary: RegionSpec<C>;
  /** Every node, region by region. */
  nodes: NodeSpec<C>[];
  /** Every edge, region by region; the first is the primary region's first. */
  edges: EdgeSpec<C>[];
  fleet: { machineType: string };
  edge: { machineType: string };
  /** `replicas`: the regions of `database.replicas`, in the order of `regions`. */
  database: { tier: string; replicas: RegionSpec<C>[] };
  account: CloudAccounts[C];
  /** The address space the footprint's ranges come from, and ranges that are not per region. */
  addresses: CloudAddresses<C> & { space: AddressSpace };
}

/** A move of the stack to the other cloud (`portage:migration`): from `portage:provider` to `to`. */
export interface MigrationSpec {
  /** The cloud the stack comes from: `portage:provider`, until the user switches it after finish. */
  from: Cloud;
  to: Cloud;
  phase: MigrationPhase;
}

/** The resolved clouds of a spec: `portage:provider` always, and a migration's target. */
export type CloudSpecs = { [C in Cloud]?: CloudSpec<C> };

export interface Spec {
  project: string;
  stack: string;
  /** The cloud that serves the stack (`portage:provider`). */
  provider: Cloud;
  production: boolean;
  /** The user allows this update to delete or replace the stack's data (see components/guard). */
  allowDataLoss: boolean;
  /** The serving footprint's address space (`portage:addressSpace`); a migration target takes the other. */
  addressSpace: AddressSpaceName;
  /** Moving to the other cloud, when `portage:migration` is set. */
  migration?: MigrationSpec;
  /** `<app>-<stack>`, lowercase: what cloud-side names start with (components/names makes each valid). */
  prefix: string;
  fleet: {
    /** The regions' names as the user wrote them; the first is primary. Each cloud resolves them (`clouds`). */
    regions: string[];
    /** Nodes in a region that gives no count of its own. */
    nodesPerRegion: number;
    /** The regions that give their own node count (`{ name: london, nodes: 3 }`), by name as written. */
    regionNodes: Record<string, number>;
    size: string;
    diskGb: number;
  };
  database: {
    version: string;
    size: string;
    storageGb: number;
    highAvailability: boolean;
    backupDays: number;
    /** Fleet regions (as written, never the primary) with a cross-region read replica. */
    replicas: string[];
    /** The database's name, derived from the app name. */
    name: string;
    port: number;
  };
  bucket: { versioning: boolean };
  edge: {
    kind: EdgeKind;
    domain: string;
    acmeEmail: string;
    /** The public zone portage writes `domain`'s records in (its domain name, no trailing dot); empty: none. */
    dnsZone: string;
    size: string;
    /** Edges in every fleet region (`edge.count`, resolved: 2 in production, 1 otherwise). */
    count: number;
    /** Private port of the edge's admin API (HAProxy stats / Traefik API), reachable from the fleet only. */
    adminPort: number;
  };
  app: {
    name: string;
    /** Absolute path of the release tarball. */
    release: string;
    version: string;
    healthPath: string;
    ports: [number, number];
    /** null: no migration; "": the release's `bin/migrate` when it has one; else a command (`sh -c`, in the release's directory). */
    migrate: string | null;
    /** `portage:app.env`, values as text. */
    env: Record<string, string>;
    /** `portage:app.secrets`, values as text: wrap in `pulumi.secret` wherever used, never log or export. */
    secrets: Record<string, string>;
  };
  access: {
    adminCidrs: string[];
    sshPublicKey: string;
    /** No longer used (rollouts go through the bucket); kept so that stacks which set it load. */
    sshPrivateKey: string;
    /** The admin user created on every VM for the operator's key. */
    adminUser: string;
  };
  cluster: {
    epmdPort: number;
    distributionPorts: [number, number];
    /** Private DNS zone of the stack, e.g. `dev.hello.internal`. */
    zone: string;
    /** One name resolving to every node's private address, for dns_cluster / libcluster DNSPoll. */
    nodesName: string;
    /** The edge's private name, used by the deploy script to reach the edge admin API. */
    edgeName: string;
  };
  rollout: {
    /** A count of nodes or a share of the fleet (`"25%"`): components/rollout's `BatchSize`. */
    batchSize: number | `${number}%`;
    healthTimeoutSeconds: number;
    pollSeconds: number;
    pickupTimeoutSeconds: number;
    /** Resolved: `healthTimeoutSeconds + 600` when the key is 0. */
    deployTimeoutSeconds: number;
    migrateTimeoutSeconds: number;
  };
  /** What the config allows but the user most likely did not mean; `loadSpec` shows them in the preview. */
  warnings: string[];
  /** The spec resolved for each cloud a footprint is built on; see `cloudSpec`. */
  clouds: CloudSpecs;
}

/** The spec without its per-cloud resolutions: what `resolveCloud` resolves. */
export type PortableSpec = Omit<Spec, "clouds" | "warnings">;

/**
 * The spec of a cloud the config resolved. Asking for another is a mistake in the program, not in
 * the config: config/ resolves every cloud the program builds on (today `portage:provider`).
 */
export function cloudSpec<C extends Cloud>(spec: Pick<Spec, "clouds">, cloud: C): CloudSpec<C> {
  const resolved = spec.clouds[cloud];
  if (!resolved) {
    throw new Error(`the spec is not resolved for ${cloud}; resolve it in components/config (resolveCloud) before building on it`);
  }
  return resolved;
}

/** The serving cloud's spec (`portage:provider`), always resolved. */
export function servingCloud(spec: Pick<Spec, "clouds" | "provider">): CloudSpec {
  return cloudSpec(spec, spec.provider);
}
