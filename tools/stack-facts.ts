import type { Cloud } from "../components/config";
import { machineArchitecture, type Architecture } from "../components/config/release-tarball";
import { objectKeys, scalarKeys } from "../components/config/schema";
import { resolveMachineType } from "../components/config/sizes";
import type { StackConfig } from "./offline/stack";

/**
 * What the operator's tools (bin/up, npm run deploy) read from a stack file before Pulumi runs:
 * the fields as written over the schema's defaults. A field the schema would refuse keeps its
 * default here: `pulumi up` reports it with the key and the fix.
 */
export interface StackFacts {
  provider: Cloud;
  app: { name: string; version: string; release: string };
  access: { adminCidrs: string[]; sshPublicKey: string };
  /** The nodes' CPU, from portage:fleet.size; `archSource` says so in messages, `archNote` when it is a guess. */
  arch: Architecture;
  archSource?: string;
  archNote?: string;
  gcpProject: string;
}

export function stackFacts(config: StackConfig): StackFacts {
  const provider = scalarKeys.provider.safeParse(config["portage:provider"] ?? undefined).data ?? "aws";
  const app = section("app", config) as StackFacts["app"];
  const access = section("access", config) as StackFacts["access"];
  const { size } = section("fleet", config) as { size: string };
  const type = resolveMachineType(size, provider);
  const gcpProject = typeof config["gcp:project"] === "string" ? config["gcp:project"] : "";
  const base = { provider, app, access, gcpProject };
  if (!type.ok) {
    return { ...base, arch: "x86_64", archNote: `portage:fleet.size ${type.reason}: the release was checked for x86_64 VMs` };
  }
  const arch = machineArchitecture(provider, type.type);
  return { ...base, arch, archSource: `portage:fleet.size ${JSON.stringify(size)}${size === type.type ? "" : ` (${type.type})`}` };
}

/** One `portage:<key>` object: each field as written when the schema accepts it, else its default. */
function section(key: keyof typeof objectKeys, config: StackConfig): Record<string, unknown> {
  const schema = objectKeys[key];
  const defaults = schema.parse({}) as Record<string, unknown>;
  const written = config[`portage:${key}`];
  if (typeof written !== "object" || written === null) return defaults;
  const out = { ...defaults };
  for (const [field, value] of Object.entries(written)) {
    const fieldSchema = (schema.shape as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>)[field];
    const parsed = fieldSchema?.safeParse(value);
    if (parsed?.success) out[field] = parsed.data;
  }
  return out;
}
