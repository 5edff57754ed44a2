import type { OfflineResult, RecordedResource } from "../tools/offline/run";
import { Secret } from "../tools/offline/run";
import type { CheckedResource } from "./check";

/**
 * The resources an offline run recorded (tools/offline), as the policy pack sees them in a preview:
 * custom resources with their inputs (secrets unwrapped), their provider's inputs and dependencies.
 */
export function offlineResources(result: Pick<OfflineResult<unknown>, "resources">): CheckedResource[] {
  const byUrn = new Map(result.resources.map((r) => [r.urn, r]));
  // A provider reference is "<urn>::<id>".
  const providerOf = (r: RecordedResource) =>
    r.options.provider ? byUrn.get(r.options.provider.split("::").slice(0, -1).join("::")) : undefined;
  return result.resources
    .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
    .map((r) => {
      const provider = providerOf(r);
      return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: plain(r.inputs) as Record<string, unknown>,
        parent: r.parent,
        protect: r.options.protect,
        dependencies: r.options.dependsOn,
        provider: provider && {
          type: provider.type,
          name: provider.name,
          urn: provider.urn,
          props: plain(provider.inputs) as Record<string, unknown>,
        },
      };
    });
}

function plain(value: unknown): unknown {
  if (value instanceof Secret) return plain(value.value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}
