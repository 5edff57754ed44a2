import { edgeSecretEnv, nodeStoreEnv } from "../secrets/names";
import { cloudAddresses, defaultSpace, regionAddresses, type AddressSpace } from "./addresses";
import { Problems } from "./errors";
import { lifecycleWarning } from "./lifecycle";
import { optInRegion, resolveRegion } from "./regions";
import { releaseProblems } from "./release-check";
import { machineArchitecture } from "./release-tarball";
import type { ProviderConfig } from "./sections/context";
import { resolveDatabaseTier, resolveMachineType } from "./sizes";
import type { Cloud, CloudAccounts, CloudSpec, EdgeSpec, NodeSpec, PortableSpec, RegionSpec } from "./spec";

export interface CloudContext {
  /** Why this cloud is resolved, for messages: `portage:provider is aws`. */
  because: string;
  /** The stack's provider-namespaced config (`aws:profile`, `gcp:project`). */
  providers: ProviderConfig;
  /** Where the footprint's ranges come from; the default space unless the footprint must not overlap another. */
  space?: AddressSpace;
  /** Today, for the database versions' support dates (tests pin it). */
  now?: Date;
}

/** An IAM condition allows 12 logical operators: one `||` per secret after the first (cloud.google.com/iam/quotas). */
export const maxSecretsPerCondition = 13;

/** What each cloud needs besides regions and sizes: its account, and the rules only it has. */
const accounts: { [C in Cloud]: (spec: PortableSpec, ctx: CloudContext, problems: Problems) => CloudAccounts[C] } = {
  aws: (_spec, ctx) => (ctx.providers.aws.profile ? { profile: ctx.providers.aws.profile } : {}),
  gcp: (spec, ctx, problems) => {
    if (!ctx.providers.gcp.project) {
      problems.other(`gcp:project: is required when ${ctx.because}; set it with: pulumi config set gcp:project <your-project-id>`);
    }
    // Readers are granted their secrets by name, in one IAM condition each.
    // A node in a region with a read replica reads its URL too.
    const replica = spec.database.replicas.length > 0 ? 1 : 0;
    for (const [reader, count] of [
      ["node", nodeStoreEnv.length + replica],
      ["edge", edgeSecretEnv.length],
    ] as const) {
      if (count > maxSecretsPerCondition) {
        problems.other(`gcp: the ${reader} reads ${count} secrets, but one IAM condition can name at most ${maxSecretsPerCondition}`);
      }
    }
    return { project: ctx.providers.gcp.project ?? "" };
  },
};

/**
 * The portable spec resolved for one cloud: regions, address ranges, machine types, database tier and
 * account, with every problem (key path, what was given, what is allowed). The serving cloud is
 * resolved by `resolveSpec`; a footprint on another cloud (a migration target) is resolved the same way.
 */
export function resolveCloud<C extends Cloud>(
  spec: PortableSpec,
  cloud: C,
  ctx: CloudContext,
): { cloud: CloudSpec<C>; warnings: string[] } | { problems: string[] } {
  const problems = new Problems();
  const space = ctx.space ?? defaultSpace;

  const regions: RegionSpec<C>[] = [];
  spec.fleet.regions.forEach((name, i) => {
    const key = `fleet.regions[${i}]`;
    const found = resolveRegion(name, cloud, ctx.because);
    if (!found.ok) return problems.at(key, found.reason);
    const twin = regions.find((r) => r.region === found.region);
    if (twin) return problems.at(key, `"${name}" is the same ${cloud} region (${found.region}) as "${twin.key}"; list each region once`);
    const plan = regionAddresses(cloud, found.region, space);
    if (!plan.ok) return problems.at(key, plan.reason);
    const nodes = spec.fleet.regionNodes[name] ?? spec.fleet.nodesPerRegion;
    regions.push({ key: name, region: found.region, primary: i === 0, nodes, cidr: plan.cidr, addresses: plan.addresses });
    const optIn = optInRegion(cloud, found.region);
    if (optIn) problems.warn(key, optIn);
  });
  // `<region>-<n>` numbers each region's nodes from 1: a region's count changes its own nodes only.
  const nodes: NodeSpec<C>[] = regions.flatMap((region) =>
    Array.from({ length: region.nodes }, (_, index) => ({ name: `${region.key}-${index + 1}`, region, index })),
  );

  // Regional edges: `edge.count` edges in every fleet region, named like nodes, each in its own zone.
  const edges: EdgeSpec<C>[] = regions.flatMap((region) =>
    Array.from({ length: spec.edge.count }, (_, index) => ({
      name: `${region.key}-${index + 1}`,
      region,
      index,
      first: region.primary && index === 0,
    })),
  );
  if (cloud === "aws" && spec.edge.count > maxAwsEdgesPerRegion) {
    problems.at(
      "edge.count",
      `${spec.edge.count} edges per region on aws need ${2 * spec.edge.count + 1} Elastic IPs in every region (an edge and a balancer address per zone, and the NAT gateway's), but an account gets 5 per region unless AWS raises the quota; use at most ${maxAwsEdgesPerRegion}`,
    );
  }

  const nodeType = resolveMachineType(spec.fleet.size, cloud, ctx.because);
  if (!nodeType.ok) problems.at("fleet.size", nodeType.reason);
  const edgeType = resolveMachineType(spec.edge.size, cloud, ctx.because);
  if (!edgeType.ok) problems.at("edge.size", edgeType.reason);
  const tier = resolveDatabaseTier(spec.database.size, cloud, ctx.because);
  if (!tier.ok) problems.at("database.size", tier.reason);
  const account = accounts[cloud](spec, ctx, problems);
  if (nodeType.ok) {
    // Only the nodes run the release; the edge may have another CPU.
    const arch = machineArchitecture(cloud, nodeType.type);
    problems.add(
      releaseProblems(spec.app, { arch, archSource: `portage:fleet.size ${JSON.stringify(spec.fleet.size)} (${nodeType.type})` }),
    );
  }
  if (edgeType.ok && spec.edge.kind === "traefik" && machineArchitecture(cloud, edgeType.type) === "arm64") {
    problems.at(
      "edge.size",
      `"${spec.edge.size}" (${edgeType.type}) is an arm64 type, but portage installs Traefik from its pinned x86_64 build only; use portage:edge.kind haproxy (from Ubuntu's packages, any CPU) or an x86_64 edge size`,
    );
  }
  const lifecycle = lifecycleWarning(cloud, spec.database.version, ctx.now ?? new Date());
  if (lifecycle) problems.warn("database.version", lifecycle);

  // A footprint whose regions are not fleet.regions (a migration target's portage:migration.regions)
  // must still hold every replica region.
  spec.database.replicas.forEach((key, i) => {
    if (regions.length > 0 && !regions.some((r) => r.key === key && !r.primary)) {
      problems.at(
        `database.replicas[${i}]`,
        `"${key}" is not a secondary region of the footprint on ${cloud} (${ctx.because}); its regions are ${regions.map((r) => r.key).join(", ")}`,
      );
    }
  });
  const [primary] = regions;
  if (problems.any || !primary || !nodeType.ok || !edgeType.ok || !tier.ok) {
    return { problems: problems.any ? problems.list : [`portage:fleet.regions: no region resolves on ${cloud}`] };
  }
  return {
    warnings: problems.warnings,
    cloud: {
      cloud,
      regions,
      primary,
      nodes,
      edges,
      fleet: { machineType: nodeType.type },
      edge: { machineType: edgeType.type },
      database: { tier: tier.type, replicas: regions.filter((r) => spec.database.replicas.includes(r.key)) },
      account,
      addresses: cloudAddresses(cloud, space),
    },
  };
}

/**
 * Elastic IPs are limited to 5 per region and account by default
 * (docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-eips): the NAT gateway's,
 * and per zone an edge's and the Network Load Balancer's, so two edges per region at most.
 */
export const maxAwsEdgesPerRegion = 2;

/** The certificate renewer edge's certbot answers HTTP-01 here for the other edges (node/haproxy.ts). */
export const acmePort = 8888;

/**
 * Several HAProxy edges with a domain share one certificate (node/types.ts `sharedCertificate`): the
 * first edge renews it, the others load it from the bucket and send it the ACME challenges.
 */
export function edgesShareCertificate(spec: Pick<PortableSpec, "edge">, cloud: Pick<CloudSpec, "edges">): boolean {
  return spec.edge.kind === "haproxy" && spec.edge.domain !== "" && cloud.edges.length > 1;
}
