import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Bucket } from "../bucket";
import type { ProvidersOf } from "../cloud";
import type { OnCloud } from "../cloud/on-cloud";
import type { Cloud, CloudSpec, Spec } from "../config";
import type { ClusterDns } from "../dns";
import type { Edge } from "../edge";
import type { Fleet } from "../fleet";
import { AgentCommand, Rollout, type BucketRef } from "../rollout";
import type { Secrets } from "../secrets";
import * as aws from "./aws";
import * as gcp from "./gcp";
import type { BucketObjectArgs } from "./object";
import { edgeRoutesObjects, type EdgeForwarding } from "./routes";

export interface ReleaseArgs<C extends Cloud = Cloud> extends OnCloud<C> {
  /**
   * The same footprint's bucket: the tarball goes to `releases/<app>-<version>.tar.gz`, then the
   * pointer `releases/current` that booting nodes read.
   * @example
   * new Release("release", { spec, cloud, providers, bucket, fleet, edge, secrets, dns })
   */
  bucket: Bucket<C>;
  /**
   * The same footprint's fleet: rolled over in batches of `rollout.batchSize`, through the bucket.
   * @example
   * new Release("release", { spec, cloud, providers, bucket, fleet, edge, secrets, dns })
   */
  fleet: Fleet<C>;
  /**
   * The same footprint's edges: where the routes are pushed (through each edge's agent).
   * @example
   * new Release("release", { spec, cloud, providers, bucket, fleet, edge, secrets, dns })
   */
  edge: Edge<C>;
  /**
   * The same footprint's secrets and private DNS: every deploy waits for them to be in place.
   * @example
   * new Release("release", { spec, cloud, providers, bucket, fleet, edge, secrets, dns })
   */
  secrets: Secrets<C>;
  /** See `secrets`. */
  dns: ClusterDns<C>;
  /**
   * While a migration stands (stacks/migration.ts): `migrations: false` rolls releases out without
   * running their Ecto migrations (DDL is not replicated); `forward` makes the edges forward to the
   * target's edge once `after` is done (the cutover's database step). @default no migration
   */
  moving?: { migrations: boolean; forward?: EdgeForwarding & { after: Promise<pulumi.Resource[]> } };
}

/** Where each cloud's bucket is, for the rollout's client (plain data: it travels in the resources' inputs). */
const bucketRefs: { [C in Cloud]: (bucket: string, spec: Spec, cloud: CloudSpec<C>) => BucketRef } = {
  aws: (bucket, _spec, cloud) => ({
    kind: "s3",
    bucket,
    region: cloud.primary.region,
    ...(cloud.account.profile ? { profile: cloud.account.profile } : {}),
  }),
  gcp: (bucket) => ({ kind: "gcs", bucket }),
};

/** Each cloud's object in the bucket. */
const objects: {
  [C in Cloud]: (
    name: string,
    args: BucketObjectArgs,
    providers: ProvidersOf<C>,
    opts: pulumi.CustomResourceOptions,
  ) => pulumi.CustomResource;
} = {
  aws: aws.createObject,
  gcp: gcp.createObject,
};

/**
 * Ships `app.release` as `app.version` through the bucket only (no network path to a server): uploads
 * the tarball to `releases/<app>-<version>.tar.gz`, pushes every edge's routes when the node list
 * changes (an object per edge, applied by that edge's agent), rolls the fleet over in batches through the
 * nodes' agents (the migration first), and only then points `releases/current` at the new version
 * (what booting nodes fetch). Changing the version, the tarball or the app's settings touches only
 * these resources: no VM, disk or database.
 *
 * @example
 * new Release("release", { spec, cloud, providers, bucket, fleet, edge, secrets, dns });
 */
export class Release<C extends Cloud = Cloud> extends pulumi.ComponentResource {
  readonly version: string;
  readonly key: string;
  /** Hex sha256 of the tarball: a new build under the same version rolls out too. */
  readonly sha256: string;
  /** Each edge's routes, applied by its agent (the primary's first edge's first). */
  readonly routes: AgentCommand[];
  /** The fleet's rollout: the migration, then the nodes batch by batch. */
  readonly rollout: Rollout;
  readonly pointer: pulumi.CustomResource;

  constructor(name: string, args: ReleaseArgs<C>, opts?: pulumi.ComponentResourceOptions) {
    super("portage:release:Release", name, {}, opts);
    const { spec } = args;
    const cloud = args.cloud.cloud;
    this.version = spec.app.version;
    this.key = releaseKey(spec);
    this.sha256 = fileSha256(spec.app.release);

    const put = (id: string, object: Omit<BucketObjectArgs, "bucket">, objectOpts: pulumi.CustomResourceOptions) =>
      objects[cloud](`${name}-${id}`, { bucket: args.bucket.name, ...object }, args.providers.handle, { parent: this, ...objectOpts });
    const bucket = args.bucket.name.apply((b) =>
      (bucketRefs[cloud] as (b: string, s: Spec, c: CloudSpec) => BucketRef)(b, spec, args.cloud),
    );
    const { rollout } = spec;

    // Kept in the bucket when the version moves on: a rollback or a booting node may need it.
    const artifact = put(
      "artifact",
      { key: this.key, body: { file: spec.app.release }, sha256: this.sha256, contentType: "application/gzip" },
      { retainOnDelete: true },
    );
    // portage-edge-apply checks the new config before it swaps it in: a bad one never takes the edge down.
    const forward = args.moving?.forward;
    // Forwarding waits for the database's switch: the write freeze runs from the freeze to here.
    const after = (deps: pulumi.Resource[]): pulumi.Input<pulumi.Resource[]> =>
      forward ? forward.after.then((done) => [...deps, ...done]) : deps;
    this.routes = edgeRoutesObjects("edge-routes", spec, args.edge, args.fleet, forward).map((routes) => {
      const file = put(
        `${routes.name}-file`,
        { key: routes.key, body: { text: routes.content }, sha256: routes.sha256, contentType: "text/plain" },
        {},
      );
      return new AgentCommand(
        `${name}-${routes.name}`,
        {
          bucket,
          agent: routes.agent,
          argv: ["portage-edge-apply"],
          user: "root",
          stdinKey: routes.key,
          timeoutSeconds: 300,
          pickupTimeoutSeconds: rollout.pickupTimeoutSeconds,
          triggers: routes.sha256.apply((sha) => [sha]),
        },
        { parent: this, dependsOn: after([file, args.edge]) },
      );
    });
    this.rollout = new Rollout(
      `${name}-rollout`,
      {
        bucket,
        version: this.version,
        sha256: this.sha256,
        // The entries' versions, never the values: a changed setting or secret restarts the fleet.
        settings: args.secrets.settingsRevision,
        nodes: args.fleet.created.map((n) => n.spec.name),
        batchSize: rollout.batchSize,
        // Schema changes are not replicated: none while a migration stands.
        migrate: args.moving && !args.moving.migrations ? null : spec.app.migrate,
        pollSeconds: rollout.pollSeconds,
        pickupTimeoutSeconds: rollout.pickupTimeoutSeconds,
        deployTimeoutSeconds: rollout.deployTimeoutSeconds,
        migrateTimeoutSeconds: rollout.migrateTimeoutSeconds,
      },
      { parent: this, dependsOn: [artifact, ...this.routes, ...args.secrets.stored, ...args.dns.records, args.fleet] },
    );
    const pointer = `${this.version} ${this.sha256}\n`;
    this.pointer = put(
      "pointer",
      { key: `${releasePrefix}current`, body: { text: pointer }, sha256: sha256Of(pointer), contentType: "text/plain" },
      { dependsOn: [this.rollout] },
    );
    this.registerOutputs({ version: this.version, key: this.key });
  }
}

export const releasePrefix = "releases/";

export function releaseKey(spec: Pick<Spec, "app">): string {
  return `${releasePrefix}${spec.app.name}-${spec.app.version}.tar.gz`;
}

function fileSha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function sha256Of(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
