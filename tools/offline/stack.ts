import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Cloud } from "../../components/config";
import { parseYamlFile, UserError } from "../cli";
import { portage, type StackOutputs } from "../../stacks/program";
import { placeholderReleaseFor } from "./release-fixture";
import { runOffline, type OfflineOptions, type OfflineResult, type RecordedResource, type Unwrapped } from "./run";

export const projectRoot = join(__dirname, "..", "..");

type ConfigValue = unknown;
export type StackConfig = Record<string, ConfigValue>;

/** The `config:` of Pulumi.<stack>.yaml, as written (objects stay objects); a YAML error names the file, line and column. */
export function readStackFile(stack: string, root = projectRoot): StackConfig {
  const path = join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(path)) throw new UserError(`no Pulumi.${stack}.yaml in ${root}; create it (see the README's "Environments")`);
  const file = parseYamlFile(path) as { config?: StackConfig } | null;
  return { ...(file?.config ?? {}) };
}

/** Merges overrides into a stack config: object keys field by field (like `pulumi config set --path`), others replaced. */
export function withOverrides(config: StackConfig, overrides: StackConfig = {}): StackConfig {
  const out: StackConfig = { ...config };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] = isPlainObject(value) && isPlainObject(current) ? { ...current, ...value } : value;
    if (value === undefined) delete out[key];
  }
  return out;
}

/** The flat string map Pulumi hands a program: objects and lists as JSON text. Encrypted values are left out. */
export function flattenConfig(config: StackConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (isPlainObject(value) && "secure" in value) continue;
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

export interface StackRunOptions extends Omit<OfflineOptions, "config" | "stack"> {
  /** Pulumi.<stack>.yaml to start from; omit to start from an empty config. */
  stack?: string;
  provider?: Cloud;
  overrides?: StackConfig;
  /** Used for the run's stack name when no stack file is read. */
  stackName?: string;
}

/**
 * The placeholder release the graph tests ship: a tarball laid out like `mix release`'s (hello 0.1.0,
 * an x86_64 runtime), which the release check accepts; the e2e tests build a real app.
 */
export const placeholderRelease = placeholderReleaseFor();

/** The flat config a run uses: the stack file, then the provider, then the overrides. */
export function stackConfigMap(options: StackRunOptions = {}): Record<string, string> {
  const base = options.stack ? readStackFile(options.stack) : {};
  const provider = options.provider ? { "portage:provider": options.provider } : {};
  return flattenConfig(withOverrides(withOverrides(base, provider), options.overrides));
}

/** Runs the portage program offline with a stack's config. */
export function runStack(options: StackRunOptions = {}): Promise<OfflineResult<Unwrapped<StackOutputs>>> {
  return runOffline(portage, {
    ...options,
    config: stackConfigMap(options),
    stack: options.stack ?? options.stackName ?? "dev",
  });
}

export function resourcesOfType(result: { resources: RecordedResource[] }, type: string): RecordedResource[] {
  return result.resources.filter((r) => r.type === type);
}

export function resourceNamed(result: { resources: RecordedResource[] }, type: string, name: string): RecordedResource {
  const found = result.resources.find((r) => r.type === type && r.name === name);
  if (!found) {
    const names = resourcesOfType(result, type).map((r) => r.name);
    throw new Error(`no ${type} named ${name}; there are: ${names.join(", ") || "none"}`);
  }
  return found;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A complete, valid config for graph tests and benchmarks: the stack files' example access, the placeholder release. */
export const access = {
  adminCidrs: ["203.0.113.10/32"],
  sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExbxDw9EbFfV1Nt2iyONpbDfB1y1D6RjGSEjZph2L9u you@example.com",
};

/** The config with a placeholder release of the overrides' app name and version, unless they give a release. */
export function validConfig(overrides: StackConfig = {}): StackConfig {
  const app = (overrides["portage:app"] as { name?: string; version?: string } | undefined) ?? {};
  return {
    "portage:access": access,
    "gcp:project": "test-project",
    ...overrides,
    "portage:app": { release: placeholderReleaseFor({ name: app.name, version: app.version }), ...app },
  };
}
