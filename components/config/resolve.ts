import { stackPrefix } from "../names";
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
import { rolloutSection } from "./sections/rollout";
import type { Cloud, CloudSpec, CloudSpecs, PortableSpec, Spec } from "./spec";

export type { StackContext } from "./sections/context";
export { providerKeys, readProviderConfig, reservedPorts } from "./sections/context";
export { supportedPostgres } from "./sections/database";

/**
 * Applies the rules that need more than a type, section by section (sections/: fleet, database,
 * bucket, edge, app, access, cluster, rollout), then resolves the portable spec for the serving cloud
 * (cloud.ts: regions, ranges, sizes, account). Returns the spec, or every problem found.
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
  });
  if ("problems" in serving) problems.add(serving.problems);
  if (problems.any || "problems" in serving) return { problems: problems.list };
  return { spec: { ...portable, warnings: [...problems.warnings, ...serving.warnings], clouds: withCloud({}, serving.cloud) } };
}

/** Adds a resolved cloud to a spec's clouds. */
export function withCloud<C extends Cloud>(clouds: CloudSpecs, resolved: CloudSpec<C>): CloudSpecs {
  return { ...clouds, [resolved.cloud]: resolved };
}
