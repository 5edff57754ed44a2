import { z } from "zod";
import { addressSpaceNames } from "./addresses";
import { clouds, edgeKinds, migrationPhases } from "./clouds";

/** The most nodes one region may have (fleet.nodesPerRegion, or a region's own `nodes`). */
export const maxNodesPerRegion = 100;

/** The most edges one region may have: each in its own zone (config/addresses.ts zoneSlots). */
export const maxEdgesPerRegion = 3;

/**
 * The stack config surface: every `portage:*` key, its fields, defaults and descriptions.
 * This is the one source for the program's defaults, the Pulumi.yaml declarations and the
 * README's config reference (both checked against it by the tests). Rules that need more than
 * a type live in sections/ (one validator per key) and cloud.ts (regions, sizes, ranges per cloud).
 */

const text = (description: string, fallback: string, max = 1024) => z.string().max(max).default(fallback).describe(description);
const whole = (description: string, fallback: number, min: number, max: number) =>
  z.int().min(min).max(max).default(fallback).describe(description);
const flag = (description: string, fallback: boolean) => z.boolean().default(fallback).describe(description);

/** A region of `fleet.regions` with its own node count: `{ name: london, nodes: 3 }` (valid for `pulumi config set --path`). */
const regionWithNodes = z.strictObject({
  name: z.string().max(64).describe("The region: a portable name or the provider's own."),
  nodes: z.int().min(1).max(maxNodesPerRegion).optional().describe("Nodes in this region; fleet.nodesPerRegion when left out."),
});

export const fleetSchema = z
  .strictObject({
    regions: z
      .array(
        z.union([z.string().max(64), regionWithNodes], {
          error: 'give a region name ("london") or a region with its own node count ({ name: london, nodes: 3 })',
        }),
      )
      .min(1)
      .default(["virginia"])
      .describe(
        "Regions of the fleet, portable names (virginia, london, ...) or the provider's own; the first is primary (database, bucket). A region may carry its own node count: `{ name: london, nodes: 3 }`.",
      ),
    nodesPerRegion: whole(
      "Nodes in each region that does not give its own count, spread over the region's zones.",
      1,
      1,
      maxNodesPerRegion,
    ),
    size: text("Node size: small, medium, large, or an explicit instance/machine type of the provider.", "small"),
    diskGb: whole("Root disk of each node, in GiB.", 20, 10, 2000),
  })
  .describe("The VM fleet that runs the release.");

export const databaseSchema = z
  .strictObject({
    version: z
      .union([z.string(), z.int()], { error: 'give the major version, e.g. "16"' })
      .transform((v) => String(v))
      .default("16")
      .describe("Postgres major version: 13 to 17."),
    size: text("Database size: small, medium, large, or an explicit instance class (aws) / tier (gcp).", "small"),
    storageGb: whole("Allocated storage in GiB.", 20, 20, 16384),
    highAvailability: flag("A standby in a second zone with automatic failover (Multi-AZ / REGIONAL).", false),
    backupDays: whole(
      "Days of automated backups kept, with point-in-time recovery; 0 turns backups off (not allowed in production).",
      7,
      0,
      35,
    ),
    replicas: z
      .array(z.string().max(64))
      .default([])
      .describe(
        "Fleet regions (other than the primary) that get a cross-region read replica: their nodes get its URL as DATABASE_REPLICA_URL, e.g. `[london]`.",
      ),
  })
  .describe("The managed Postgres (RDS / Cloud SQL), private, TLS only.");

export const bucketSchema = z
  .strictObject({
    versioning: flag("Keep every version of every object.", true),
  })
  .describe("The private object bucket (S3 / GCS) for releases and app data.");

export const edgeSchema = z
  .strictObject({
    kind: z.enum(edgeKinds).default("haproxy").describe("The proxy on the edge VM: haproxy or traefik."),
    domain: text("Public host name of the app; when set, the edge gets a Let's Encrypt certificate and redirects HTTP to HTTPS.", ""),
    acmeEmail: text("Contact e-mail for Let's Encrypt; required with a domain.", "", 254),
    size: text("Edge VM size: small, medium, large, or an explicit instance/machine type.", "small"),
    dnsZone: text(
      "A public DNS zone you already have on the provider (Route 53 hosted zone / Cloud DNS managed zone), by its domain name: portage writes edge.domain's records there, with several regions latency-based (Route 53) or geolocation (Cloud DNS) records with a health check per region. Empty: you create the record yourself.",
      "",
      253,
    ),
    count: z
      .int()
      .min(1)
      .max(maxEdgesPerRegion)
      .optional()
      .describe(
        "Edges in every fleet region, each in its own zone; 2 or more stand behind the region's layer-4 balancer (AWS Network Load Balancer / GCP passthrough Network Load Balancer). Left out: 2 in production, 1 otherwise.",
      ),
  })
  .describe("The edges (one group in every fleet region): static public addresses, reverse proxy, SSH bastion.");

export const appSchema = z
  .strictObject({
    name: text(
      "Release name (the `mix release` name): names the unit, the user and the database, so neither a Postgres key word nor a user the VMs have (root, ubuntu, portage, ...).",
      "hello",
    ),
    release: text("Local path of the `mix release` tarball to ship.", "./releases/hello-0.1.0.tar.gz", 4096),
    version: text("Version of that release; changing it rolls the fleet over with zero downtime.", "0.1.0"),
    // 255: the longest path a Route 53 health check requests (HealthCheckConfig.ResourcePath), the
    // shortest limit of the checks that use it (edge.dnsZone's; GCP's takes 1024).
    healthPath: text("Path that answers 200 when the release is ready to serve.", "/ping", 255),
    ports: z.array(z.int()).default([4000, 4001]).describe("The two ports a release alternates between (blue and green)."),
    migrate: text(
      'Database migrations, once per release before the first node switches: "auto" runs the release\'s `bin/migrate` when it has one (what `mix phx.gen.release` adds), "off" none, anything else is a command run by `sh -c` in the release\'s directory.',
      "auto",
    ),
    env: z
      .record(z.string(), z.unknown())
      .default({})
      .describe(
        "The app's own settings, `NAME: value`, in the release's environment on every node; a change restarts the fleet node by node.",
      ),
    secrets: z
      .record(z.string(), z.unknown())
      .default({})
      .describe(
        "The app's own secrets, set with `pulumi config set --secret --path 'portage:app.secrets.NAME' value`: in the release's environment through the secret store, never in user-data, logs or outputs.",
      ),
  })
  .describe("The application and its release.");

export const accessSchema = z
  .strictObject({
    adminCidrs: z
      .array(z.string().max(64))
      .default([])
      .describe("Addresses (CIDR) allowed to SSH to the edge, for people (`npm run ops -- ssh`); rollouts need none, so it may be empty."),
    // An RSA key of OpenSSH's largest size (16384 bits) with a long comment is about 3,000 characters
    // (config/ssh-keys.ts then refuses it over portage's 8192 bits, with the reason).
    sshPublicKey: text(
      "The operator's SSH public key, installed for the admin user on the edge and the nodes (ed25519, ECDSA, or RSA of 1024-8192 bits).",
      "",
      4096,
    ),
  })
  .describe("Who may reach the servers.");

export const clusterSchema = z
  .strictObject({
    distributionPorts: z
      .array(z.int())
      .default([9100, 9155])
      .describe("First and last port of the Erlang distribution range (inet_dist_listen_min/max), open between nodes only."),
  })
  .describe("Erlang clustering between the nodes.");

export const rolloutSchema = z
  .strictObject({
    batchSize: z
      .union([z.int(), z.string()])
      .default(1)
      .describe(
        'Nodes deployed at once: a count (2) or a share of the fleet ("25%", rounded up); the next batch starts when this one is healthy.',
      ),
    healthTimeoutSeconds: whole(
      "How long a new release may take to become healthy before it is stopped and the rollout fails.",
      120,
      10,
      1800,
    ),
    pollSeconds: whole(
      "How often an idle node's agent looks for work in the bucket, in seconds: one GET each time (about $0.52 per node-month at 2 s).",
      2,
      1,
      60,
    ),
    pickupTimeoutSeconds: whole(
      "How long a node may take to pick up its deploy (a new VM boots first) before the rollout fails.",
      900,
      60,
      3600,
    ),
    deployTimeoutSeconds: whole("How long one node's deploy may take before the rollout fails; 0: healthTimeoutSeconds + 600.", 0, 0, 7200),
    migrateTimeoutSeconds: whole(
      "How long the release's migration may run before the rollout fails (no node has switched then).",
      600,
      10,
      7200,
    ),
  })
  .describe("How a new version rolls over the fleet: through the bucket, by an agent on each VM.");

export const migrationSchema = z
  .strictObject({
    to: z.enum(clouds).describe("The cloud the stack moves to: the other one than `portage:provider`."),
    phase: z
      .enum(migrationPhases)
      .describe(
        "replicate (build the target beside the source, copy the data live), cutover (writes and traffic move to the target), finish (the source goes); rollback before finish; cancel ends a migration before cutover.",
      ),
    regions: z
      .array(z.string())
      .min(1)
      .optional()
      .describe(
        "The target's regions, the first primary, when `fleet.regions` has names only the serving cloud knows (us-east-1). Default: `fleet.regions`. After finish they become `fleet.regions`.",
      ),
    fleetSize: z
      .string()
      .optional()
      .describe("The target's node size when `fleet.size` is an instance type of the serving cloud. Default: `fleet.size`."),
    edgeSize: z
      .string()
      .optional()
      .describe("The target's edge size when `edge.size` is an instance type of the serving cloud. Default: `edge.size`."),
    databaseSize: z
      .string()
      .optional()
      .describe("The target's database size when `database.size` is an instance class of the serving cloud. Default: `database.size`."),
  })
  .describe("Moving the stack to the other cloud with its data, phase by phase (README: Moving to another cloud). Unset: no migration.");

export const objectKeys = {
  fleet: fleetSchema,
  database: databaseSchema,
  bucket: bucketSchema,
  edge: edgeSchema,
  app: appSchema,
  access: accessSchema,
  cluster: clusterSchema,
  rollout: rolloutSchema,
  migration: migrationSchema,
} as const;

export const scalarKeys = {
  provider: z.enum(clouds).default("aws").describe("The cloud: aws or gcp. Changing it re-targets the whole stack."),
  production: flag("A production stack: protected stateful resources, deletion protection, final snapshots, stricter checks.", false),
  allowDataLoss: flag(
    "Lets this one update delete or replace the database and the bucket (a provider switch on a dev stack; a database replacement in production). Set it, run the update, unset it.",
    false,
  ),
  addressSpace: z
    .enum(addressSpaceNames)
    .default("default")
    .describe(
      "The private ranges of the stack's networks: default (10.100.0.0/16 and up, a /16 per aws region or a /20 per gcp region; Cloud SQL 10.200.0.0/16) or alternate (10.20.0.0/16 and up; Cloud SQL 10.210.0.0/16). A migration target takes the other one; after finish keep the value it printed. Never change it on a stack with data: it renumbers the network.",
    ),
  sshPrivateKey: z
    .string()
    .default("")
    .describe("Secret. No longer used: rollouts go through the bucket and need no SSH key; kept so that stacks which set it still load."),
} as const;

export type ObjectKey = keyof typeof objectKeys;
export type ScalarKey = keyof typeof scalarKeys;
export const configKeys = [...Object.keys(scalarKeys), ...Object.keys(objectKeys)] as (ScalarKey | ObjectKey)[];

export const configSchema = z.strictObject({
  ...scalarKeys,
  fleet: fleetSchema.prefault({}),
  database: databaseSchema.prefault({}),
  bucket: bucketSchema.prefault({}),
  edge: edgeSchema.prefault({}),
  app: appSchema.prefault({}),
  access: accessSchema.prefault({}),
  cluster: clusterSchema.prefault({}),
  rollout: rolloutSchema.prefault({}),
  migration: migrationSchema.optional(),
});

export type RawConfig = z.output<typeof configSchema>;
