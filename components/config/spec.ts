/**
 * The validated, resolved stack spec: what every component receives. Built once by `loadSpec`
 * from the stack config; components never read config themselves.
 */

export type CloudProvider = "aws" | "gcp";
export const cloudProviders: readonly CloudProvider[] = ["aws", "gcp"];

export interface RegionSpec {
  /** The name the user wrote (portable like `virginia`, or the provider's own); used in resource names. */
  key: string;
  /** The provider's region, e.g. `us-east-1` / `us-east4`. */
  region: string;
  /** The first region holds the database, the bucket and the edge. */
  primary: boolean;
  /** The region's private range: the VPC (aws) or the subnet (gcp). */
  cidr: string;
}

export interface NodeSpec {
  /** `<region key>-<n>`, e.g. `virginia-1`: stable as nodes and regions are added. */
  name: string;
  region: RegionSpec;
  /** 0-based position in its region; picks the zone round-robin. */
  index: number;
}

export interface Spec {
  project: string;
  stack: string;
  provider: CloudProvider;
  production: boolean;
  /** The user allows this update to delete or replace the stack's data (see components/guard). */
  allowDataLoss: boolean;
  /** `<app>-<stack>`: prefix of cloud-side names (secret paths, bucket, DNS zone, tags). */
  prefix: string;
  /** Tags / labels put on every resource that takes them (`portage-stack`, `portage-production`). */
  tags: Record<string, string>;
  fleet: {
    regions: RegionSpec[];
    nodesPerRegion: number;
    size: string;
    machineType: string;
    diskGb: number;
    nodes: NodeSpec[];
  };
  database: {
    version: string;
    size: string;
    tier: string;
    storageGb: number;
    highAvailability: boolean;
    backupDays: number;
    /** Database and user name, derived from the app name. */
    name: string;
    user: string;
    port: number;
  };
  bucket: { versioning: boolean };
  edge: {
    kind: "haproxy" | "traefik";
    domain: string;
    acmeEmail: string;
    size: string;
    machineType: string;
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
  };
  access: {
    adminCidrs: string[];
    sshPublicKey: string;
    /** Empty: rollouts use the local ssh-agent. Wrap in `pulumi.secret` wherever it is used. */
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
  rollout: { batchSize: number; healthTimeoutSeconds: number };
  aws: { profile?: string };
  gcp: { project?: string };
}
