import type * as pulumi from "@pulumi/pulumi";
import type { Bucket, BucketTransforms } from "../bucket";
import type { Providers } from "../cloud";
import type { Cloud, CloudSpec } from "../config";
import type { Database, DatabaseTransforms } from "../database";
import type { ClusterDns, ClusterDnsTransforms, PublicDns, PublicDnsTransforms } from "../dns";
import type { Edge, EdgeTransforms } from "../edge";
import type { Fleet, FleetTransforms } from "../fleet";
import type { Network, NetworkTransforms } from "../network";
import type { Release, ReleaseArgs } from "../release";
import type { GeneratedSecrets, Secrets, SecretsTransforms } from "../secrets";
import type { FootprintRole } from "./names";

/** Users' edits to the raw resources, per component and per cloud (stacks/transforms.ts). */
export interface FootprintTransforms {
  network?: NetworkTransforms;
  bucket?: BucketTransforms;
  database?: DatabaseTransforms;
  edge?: EdgeTransforms;
  secrets?: SecretsTransforms;
  fleet?: FleetTransforms;
  dns?: ClusterDnsTransforms;
  publicDns?: PublicDnsTransforms;
}

export interface FootprintOptions {
  /**
   * What the footprint is to the stack (names.ts): the one serving `portage:provider` keeps the
   * logical names stacks have always had; one `beside` it (a migration's target) is named
   * `<cloud>-<name>`; one `leaving` (the source once a migration finishes) is renamed so, and its data
   * is kept by a final snapshot instead of protection, so that the update completing the move deletes it.
   * @default "serving"
   */
  role?: FootprintRole;
  /** Every provider of the footprint waits for it (the data guard), and so every cloud resource. */
  guard?: pulumi.Resource;
  /** Users' edits to the raw resources (stacks/transforms.ts). @default {} */
  transforms?: FootprintTransforms;
  /** While a migration stands: no Ecto migrations, and the source's edges forwarding from cutover (release component). */
  moving?: ReleaseArgs["moving"];
  /** Values another footprint of the stack generated (SECRET_KEY_BASE, cookie, edge password), shared instead of new. */
  secrets?: GeneratedSecrets;
}

/** One cloud's footprint: every component, typed by its cloud. */
export interface Footprint<C extends Cloud = Cloud> {
  cloud: C;
  /** The spec resolved for this cloud. */
  spec: CloudSpec<C>;
  role: FootprintRole;
  providers: Providers<C>;
  network: Network<C>;
  bucket: Bucket<C>;
  database: Database<C>;
  edge: Edge<C>;
  secrets: Secrets<C>;
  fleet: Fleet<C>;
  dns: ClusterDns<C>;
  /** `edge.domain`'s public records, when `edge.dnsZone` names the zone (the serving footprint only). */
  publicDns?: PublicDns<C>;
  release: Release<C>;
}
