import { stackPrefix } from "../names";
import { addressSpaces } from "./addresses";
import { resolveCloud } from "./cloud";
import { Problems } from "./errors";
import type { RawConfig } from "./schema";
import { accessSection } from "./sections/access";
import { appSection } from "./sections/app";
import { bucketSection } from "./sections/bucket";
import { clusterSection } from "./sections/cluster";
import type { StackContext } from "./sections/context";
import { databaseSection } from "./sections/database";
import { edgeSection } from "./sections/edge";
import { fleetSection } from "./sections/fleet";
import { migrationSection, resolveTarget } from "./sections/migration";
import { rolloutSection } from "./sections/rollout";
import type { Cloud, CloudSpec, CloudSpecs, PortableSpec, Spec } from "./spec";

export type { StackContext } from "./sections/context";
export { providerKeys, readProviderConfig, reservedPorts } from "./sections/context";
export { supportedPostgres } from "./sections/database";

/**
 * Applies the rules that need more than a type, section by section (sections/: fleet, database,
 * bucket, edge, app, access, cluster, rollout, migration), then resolves the portable spec for the
 * serving cloud (cloud.ts: regions, ranges, sizes, account) in `portage:addressSpace`, and for a
 * migration's target in the other space. Returns the spec, or every problem found.
 */
export function resolveSpec(raw: RawConfig, ctx: StackContext): { spec: Spec } | { problems: string[] } {
  const problems = new Problems();
  const input = { raw, ctx, problems };
  const cluster = clusterSection(input);
  const { distributionValid, ...clusterSpec } = cluster;
  const portable: PortableSpec = {
    project: ctx.project,
    stack: ctx.stack,
    provider: raw.provider,
    production: raw.production,
    allowDataLoss: raw.allowDataLoss,
    addressSpace: raw.addressSpace,
    migration: migrationSection(input),
    prefix: stackPrefix(raw.app.name, ctx.stack),
    fleet: fleetSection(input),
    database: databaseSection(input),
    bucket: bucketSection(input),
    edge: edgeSection(input),
    app: appSection(input, { valid: distributionValid, range: cluster.distributionPorts }),
    access: accessSection(input),
    cluster: clusterSpec,
    rollout: rolloutSection(input),
  };

  const serving = resolveCloud(portable, raw.provider, {
    because: `portage:provider is ${raw.provider}`,
    providers: ctx.providers,
    space: addressSpaces[raw.addressSpace],
  });
  if ("problems" in serving) problems.add(serving.problems);
  // A target on the serving cloud is already refused (portage:migration.to).
  const target = portable.migration && portable.migration.to !== raw.provider ? resolveTarget(portable, raw, ctx.providers) : undefined;
  if (target && "problems" in target) problems.add(target.problems);
  if (problems.any || "problems" in serving || (target && "problems" in target)) return { problems: problems.list };
  const clouds = withCloud({}, serving.cloud);
  const warnings = [...problems.warnings, ...serving.warnings, ...(target ? target.warnings : [])];
  return { spec: { ...portable, warnings, clouds: target ? withCloud(clouds, target.cloud) : clouds } };
}

/** Adds a resolved cloud to a spec's clouds. */
export function withCloud<C extends Cloud>(clouds: CloudSpecs, resolved: CloudSpec<C>): CloudSpecs {
  return { ...clouds, [resolved.cloud]: resolved };
}
