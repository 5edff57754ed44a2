import { ConfigError, loadSpec, resolveCloud, withCloud, type Cloud } from "../../components/config";
import { footprint } from "../../components/footprint";
import { DataGuard } from "../../components/guard";
import { runOffline } from "../../tools/offline/run";
import { stackConfigMap, type StackRunOptions } from "../../tools/offline/stack";

/**
 * The program with a second footprint beside the serving one, on `other`: what a migration target
 * is (issue 11). The spec is resolved for `other` the way config/ resolves `portage:provider`.
 */
export function twoFootprints(other: Cloud, project = "test-project") {
  return () => {
    const spec = loadSpec();
    const resolved = resolveCloud(spec, other, {
      because: `the test builds a ${other} footprint`,
      providers: { aws: {}, gcp: { project } },
    });
    if ("problems" in resolved) throw new ConfigError(resolved.problems);
    const both = { ...spec, clouds: withCloud(spec.clouds, resolved.cloud) };
    const guard = new DataGuard("data-guard", both);
    const serving = footprint(both.provider, both, { guard });
    const second = footprint(other, both, { role: "beside", guard, secrets: serving.secrets.generated });
    return { serving: serving.edge.url, second: second.edge.url };
  };
}

/** Runs `twoFootprints(other)` offline with a stack's config. */
export function runTwoFootprints(other: Cloud, options: StackRunOptions) {
  return runOffline(twoFootprints(other), { config: stackConfigMap(options), stack: options.stack ?? options.stackName ?? "dev" });
}
