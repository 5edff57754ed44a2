import { Bucket } from "../bucket";
import { Providers } from "../cloud";
import { cloudSpec, type Cloud, type Spec } from "../config";
import { Database } from "../database";
import { ClusterDns } from "../dns";
import { Edge } from "../edge";
import { Fleet } from "../fleet";
import { Network } from "../network";
import { Release } from "../release";
import { Secrets } from "../secrets";
import { componentName } from "./names";
import type { Footprint, FootprintOptions } from "./types";

export { componentName } from "./names";
export type { Footprint, FootprintOptions, FootprintTransforms } from "./types";

/**
 * Everything the stack runs on one cloud: providers, network, bucket, database, edge, secrets,
 * fleet, private DNS and the release, in that order, each built for `cloud` from `spec.clouds[cloud]`
 * (config/ resolves it before any resource). The program builds the serving footprint on
 * `portage:provider`; a second footprint on the other cloud can stand beside it (`serving: false`):
 * its components are named `<cloud>-<name>`, its cloud-side names are the stack's own.
 *
 * @example
 * const serving = footprint(spec.provider, spec, { guard, transforms });
 * const target = footprint("gcp", spec, { serving: false, guard, transforms, secrets: serving.secrets.generated });
 */
export function footprint<C extends Cloud>(cloud: C, spec: Spec, options: FootprintOptions = {}): Footprint<C> {
  const serving = options.serving ?? true;
  const at = cloudSpec(spec, cloud);
  const t = options.transforms ?? {};
  const named = (base: string) => componentName(cloud, serving, base);
  const base = { spec, cloud: at };

  const cloudName = named("cloud");
  const providers = new Providers(cloudName.name, { ...base, guard: options.guard }, cloudName.opts);
  const where = { ...base, providers };
  const n = named("network");
  const network = new Network(n.name, { ...where, transform: t.network }, n.opts);
  const b = named("bucket");
  const bucket = new Bucket(b.name, { ...where, transform: t.bucket }, b.opts);
  const d = named("database");
  const database = new Database(d.name, { ...where, network, transform: t.database }, d.opts);
  const e = named("edge");
  const edge = new Edge(e.name, { ...where, network, transform: t.edge }, e.opts);
  const s = named("secrets");
  const secrets = new Secrets(
    s.name,
    {
      ...where,
      databaseUrl: database.url,
      host: spec.edge.domain || edge.publicAddress,
      reuse: options.secrets,
      transform: t.secrets,
    },
    s.opts,
  );
  const f = named("fleet");
  const fleet = new Fleet(f.name, { ...where, network, bucket, transform: t.fleet }, f.opts);
  const z = named("dns");
  const dns = new ClusterDns(z.name, { ...where, network, fleet, edge, transform: t.dns }, z.opts);
  const r = named("release");
  const release = new Release(r.name, { ...where, bucket, fleet, edge, secrets, dns }, r.opts);

  return { cloud, spec: at, serving, providers, network, bucket, database, edge, secrets, fleet, dns, release };
}
