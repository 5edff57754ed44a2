import type * as pulumi from "@pulumi/pulumi";
import { Bucket } from "../bucket";
import { Providers } from "../cloud";
import { clouds, cloudSpec, type Cloud, type Spec } from "../config";
import { Database } from "../database";
import { publishServerCa } from "../database/ca";
import { ClusterDns, PublicDns } from "../dns";
import { Edge } from "../edge";
import { Fleet } from "../fleet";
import { Network } from "../network";
import { Release } from "../release";
import { Secrets } from "../secrets";
import { componentName, lettingGo } from "./names";
import type { Footprint, FootprintOptions } from "./types";

export { componentName, type FootprintRole } from "./names";
export type { Footprint, FootprintOptions, FootprintTransforms } from "./types";

/**
 * Everything the stack runs on one cloud: providers, network, bucket, database, edge, secrets,
 * fleet, private DNS and the release, in that order, each built for `cloud` from `spec.clouds[cloud]`
 * (config/ resolves it before any resource). The program builds the serving footprint on
 * `portage:provider`; a second footprint on the other cloud can stand beside it (`role: "beside"`):
 * its components are named `<cloud>-<name>`, its cloud-side names are the stack's own.
 *
 * @example
 * const serving = footprint(spec.provider, spec, { guard, transforms });
 * const target = footprint("gcp", spec, { role: "beside", guard, transforms, secrets: serving.secrets.generated });
 */
export function footprint<C extends Cloud>(cloud: C, spec: Spec, options: FootprintOptions = {}): Footprint<C> {
  const role = options.role ?? "serving";
  const letGo = lettingGo(role);
  const at = cloudSpec(spec, cloud);
  const t = options.transforms ?? {};
  /** A component under its footprint's logical name (names.ts). */
  const make = <A, R>(Component: new (name: string, args: A, opts?: pulumi.ComponentResourceOptions) => R, base: string, args: A): R => {
    const { name, opts } = componentName(cloud, role, base);
    return new Component(name, args, opts);
  };

  const providers = make(Providers, "cloud", { spec, cloud: at, guard: options.guard });
  const on = { spec, cloud: at, providers };
  const network = make(Network, "network", { ...on, transform: t.network });
  const bucket = make(Bucket, "bucket", { ...on, leaving: letGo !== undefined, transform: t.bucket });
  const database = make(Database, "database", { ...on, network, ...(letGo ? { leaving: letGo } : {}), transform: t.database });
  // Cloud SQL's server CA goes to the bucket, for the nodes to verify the server (RDS's is public).
  // Named after the database component, so that a renamed footprint aliases it instead of replacing it.
  if (cloud === "gcp") {
    const gcpProviders = providers as unknown as Providers<"gcp">;
    const { name } = componentName(cloud, role, "database");
    publishServerCa(name, database as unknown as Database<"gcp">, bucket as unknown as Bucket<"gcp">, gcpProviders.handle.provider);
  }
  const edge = make(Edge, "edge", { ...on, network, bucket, transform: t.edge });
  const host = spec.edge.domain || edge.entryAddress;
  // A serving footprint takes over the values a footprint of another cloud generated before it left.
  const adopt = role === "serving" ? clouds.filter((c) => c !== cloud).map((c) => componentName(c, "beside", "secrets").name) : [];
  const replicas = database.replicas.map((r) => ({ region: r.region.key, url: r.url }));
  const secrets = make(Secrets, "secrets", {
    ...on,
    databaseUrl: database.url,
    host,
    replicas,
    reuse: options.secrets,
    adopt,
    transform: t.secrets,
  });
  const fleet = make(Fleet, "fleet", { ...on, network, bucket, transform: t.fleet });
  const dns = make(ClusterDns, "dns", { ...on, network, fleet, edge, transform: t.dns });
  // The zone is on the serving cloud; config/ refuses edge.dnsZone while a migration builds another footprint.
  const publicDns =
    role === "serving" && spec.edge.dnsZone !== "" ? make(PublicDns, "public-dns", { ...on, edge, transform: t.publicDns }) : undefined;
  const release = make(Release, "release", {
    ...on,
    bucket,
    fleet,
    edge,
    secrets,
    dns,
    ...(options.moving ? { moving: options.moving } : {}),
  });

  return { cloud, spec: at, role, providers, network, bucket, database, edge, secrets, fleet, dns, publicDns, release };
}
