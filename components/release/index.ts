import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Bucket } from "../bucket";
import type { ProvidersOf } from "../cloud";
import type { OnCloud } from "../cloud/on-cloud";
import type { Cloud, Spec } from "../config";
import type { ClusterDns } from "../dns";
import type { Edge } from "../edge";
import type { Fleet } from "../fleet";
import type { Secrets } from "../secrets";
import * as aws from "./aws";
import * as gcp from "./gcp";
import type { BucketObjectArgs } from "./object";
import { rollout } from "./rollout";
import { edgeRoutesCommands } from "./routes";

export interface ReleaseArgs<C extends Cloud = Cloud> extends OnCloud<C> {
  /**
   * The same footprint's bucket: the tarball goes to `releases/<app>-<version>.tar.gz`, then the
   * pointer `releases/current` that booting nodes read.
   * @example
   * new Release("release", { spec, cloud, providers, bucket, fleet, edge, secrets, dns })
   */
  bucket: Bucket<C>;
  /**
   * The same footprint's fleet: rolled over in batches of `rollout.batchSize`, through the edge.
   * @example
   * new Release("release", { spec, cloud, providers, bucket, fleet, edge, secrets, dns })
   */
  fleet: Fleet<C>;
  /**
   * The same footprint's edge: the SSH bastion of the rollout, and where the routes are pushed.
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
}

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
 * Ships `app.release` as `app.version`: uploads the tarball to `releases/<app>-<version>.tar.gz`,
 * pushes every edge's routes when the node list changes, rolls the fleet over in batches through the
 * edge, and only then points `releases/current` at the new version (what booting nodes fetch).
 * Changing the version or the tarball touches only these resources: no VM, disk or database.
 *
 * @example
 * new Release("release", { spec, cloud, providers, bucket, fleet, edge, secrets, dns });
 */
export class Release<C extends Cloud = Cloud> extends pulumi.ComponentResource {
  readonly version: string;
  readonly key: string;
  /** Hex sha256 of the tarball: a new build under the same version rolls out too. */
  readonly sha256: string;
  /** One per edge (the primary's first). */
  readonly routes: command.remote.Command[];
  readonly deploys: command.remote.Command[];
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

    // Kept in the bucket when the version moves on: a rollback or a booting node may need it.
    const artifact = put(
      "artifact",
      { key: this.key, body: { file: spec.app.release }, sha256: this.sha256, contentType: "application/gzip" },
      { retainOnDelete: true },
    );
    this.routes = edgeRoutesCommands(`${name}-edge-routes`, { spec, edge: args.edge, fleet: args.fleet }, { parent: this });
    this.deploys = rollout(name, {
      spec,
      edge: args.edge,
      fleet: args.fleet,
      version: this.version,
      sha256: this.sha256,
      dependsOn: [artifact, ...this.routes, ...args.secrets.stored, ...args.dns.records],
      parent: this,
    });
    const pointer = `${this.version} ${this.sha256}\n`;
    this.pointer = put(
      "pointer",
      { key: `${releasePrefix}current`, body: { text: pointer }, sha256: sha256Of(pointer), contentType: "text/plain" },
      { dependsOn: this.deploys.length > 0 ? this.deploys : [artifact] },
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
