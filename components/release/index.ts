import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Bucket } from "../bucket";
import type { Cloud } from "../cloud";
import type { Spec } from "../config";
import type { ClusterDns } from "../dns";
import type { Edge } from "../edge";
import type { Fleet } from "../fleet";
import type { Secrets } from "../secrets";
import { createAwsObject } from "./aws";
import { createGcpObject } from "./gcp";
import type { BucketObjectArgs } from "./object";
import { rollout } from "./rollout";
import { edgeRoutesCommand } from "./routes";

export interface ReleaseArgs {
  spec: Spec;
  cloud: Cloud;
  bucket: Bucket;
  fleet: Fleet;
  edge: Edge;
  secrets: Secrets;
  dns: ClusterDns;
}

/**
 * Ships `app.release` as `app.version`: uploads the tarball to `releases/<app>-<version>.tar.gz`,
 * pushes the edge's routes when the node list changes, rolls the fleet over in batches through the
 * edge, and only then points `releases/current` at the new version (what booting nodes fetch).
 * Changing the version or the tarball touches only these resources: no VM, disk or database.
 */
export class Release extends pulumi.ComponentResource {
  readonly version: string;
  readonly key: string;
  /** Hex sha256 of the tarball: a new build under the same version rolls out too. */
  readonly sha256: string;
  readonly routes: command.remote.Command;
  readonly deploys: command.remote.Command[];
  readonly pointer: pulumi.CustomResource;

  constructor(name: string, args: ReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("portage:release:Release", name, {}, opts);
    const { spec } = args;
    this.version = spec.app.version;
    this.key = releaseKey(spec);
    this.sha256 = fileSha256(spec.app.release);

    const put = (id: string, object: Omit<BucketObjectArgs, "cloud" | "bucket">, objectOpts: pulumi.CustomResourceOptions) =>
      (spec.provider === "aws" ? createAwsObject : createGcpObject)(
        `${name}-${id}`,
        { cloud: args.cloud, bucket: args.bucket.name, ...object },
        { parent: this, ...objectOpts },
      );

    // Kept in the bucket when the version moves on: a rollback or a booting node may need it.
    const artifact = put(
      "artifact",
      { key: this.key, body: { file: spec.app.release }, sha256: this.sha256, contentType: "application/gzip" },
      { retainOnDelete: true },
    );
    this.routes = edgeRoutesCommand(`${name}-edge-routes`, { spec, edge: args.edge, fleet: args.fleet }, { parent: this });
    this.deploys = rollout(name, {
      spec,
      edge: args.edge,
      fleet: args.fleet,
      version: this.version,
      sha256: this.sha256,
      dependsOn: [artifact, this.routes, ...args.secrets.stored, ...args.dns.records],
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
