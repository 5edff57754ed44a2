import type * as pulumi from "@pulumi/pulumi";
import type { Bucket, BucketTransforms } from "../bucket";
import type { Providers } from "../cloud";
import type { Cloud, CloudSpec } from "../config";
import type { Database, DatabaseTransforms } from "../database";
import type { ClusterDns, ClusterDnsTransforms } from "../dns";
import type { Edge, EdgeTransforms } from "../edge";
import type { Fleet, FleetTransforms } from "../fleet";
import type { Network, NetworkTransforms } from "../network";
import type { Release } from "../release";
import type { GeneratedSecrets, Secrets, SecretsTransforms } from "../secrets";

/** Users' edits to the raw resources, per component and per cloud (stacks/transforms.ts). */
export interface FootprintTransforms {
  network?: NetworkTransforms;
  bucket?: BucketTransforms;
  database?: DatabaseTransforms;
  edge?: EdgeTransforms;
  secrets?: SecretsTransforms;
  fleet?: FleetTransforms;
  dns?: ClusterDnsTransforms;
}

export interface FootprintOptions {
  /**
   * The footprint that serves the stack (on `portage:provider`) keeps the logical names stacks have
   * always had (`network`, `network-vpc`, ...) and answers to `<cloud>-<name>` as an alias; any other
   * footprint is named `<cloud>-<name>`, so that it can be built beside the serving one and later
   * become it without a replacement.
   * @default true
   */
  serving?: boolean;
  /** Every provider of the footprint waits for it (the data guard), and so every cloud resource. */
  guard?: pulumi.Resource;
  /** Users' edits to the raw resources (stacks/transforms.ts). @default {} */
  transforms?: FootprintTransforms;
  /** Values another footprint of the stack generated (SECRET_KEY_BASE, cookie, edge password), shared instead of new. */
  secrets?: GeneratedSecrets;
}

/** One cloud's footprint: every component, typed by its cloud. */
export interface Footprint<C extends Cloud = Cloud> {
  cloud: C;
  /** The spec resolved for this cloud. */
  spec: CloudSpec<C>;
  serving: boolean;
  providers: Providers<C>;
  network: Network<C>;
  bucket: Bucket<C>;
  database: Database<C>;
  edge: Edge<C>;
  secrets: Secrets<C>;
  fleet: Fleet<C>;
  dns: ClusterDns<C>;
  release: Release<C>;
}
