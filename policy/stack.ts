import type { PolicyResource } from "@pulumi/policy";

/**
 * The resource another one points at through `key` (a rule's security group, a bucket setting's
 * bucket): the engine's property dependencies first, then plain dependencies, then a match on the
 * identifying outputs (`id`, `arn`, `bucket`, `name`) when the value is known.
 */
export function relatedResource(
  from: Pick<PolicyResource, "propertyDependencies" | "dependencies">,
  key: string,
  value: unknown,
  resources: readonly PolicyResource[],
  types: readonly string[],
): PolicyResource | undefined {
  const ofType = (r: PolicyResource) => types.includes(r.type);
  const byProperty = (from.propertyDependencies?.[key] ?? []).filter(ofType);
  if (byProperty.length === 1) return byProperty[0];
  const byDependency = (from.dependencies ?? []).filter(ofType);
  if (byDependency.length === 1) return byDependency[0];
  if (typeof value !== "string" || value === "") return undefined;
  return resources.filter(ofType).find((r) => ["id", "arn", "bucket", "name"].some((k) => r.props[k] === value));
}
