import { createHash } from "node:crypto";
import type { RecordedResource } from "../offline/run";
import { Secret } from "../offline/run";
import type { Cloud } from "../../components/config";
import { formatCost, formatMigrationCost, type CostEstimate } from "./costs";

/** A resource as the plan shows it. */
export interface PlannedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** Only the options a reviewer cares about, and only when set. */
  options: { protect?: true; retainOnDelete?: true; deleteBeforeReplace?: true; ignoreChanges?: string[] };
}

export interface PlannedComponent {
  name: string;
  type: string;
  resources: PlannedResource[];
}

export interface Plan {
  stack: string;
  provider: Cloud;
  resourceCount: number;
  components: PlannedComponent[];
  outputs: unknown;
  notes: string[];
  /** The estimated monthly cost as configured, when the caller priced it. */
  cost?: CostEstimate;
  /** What a migration in progress adds each month (the target footprint and the VPN). */
  migrationCost?: CostEstimate;
}

/** Inputs that are noise in a review: the serialized code of dynamic providers. */
const hiddenInputs = new Set(["__provider"]);
/** Strings longer than this show as size and checksum (user-data, configs): `npm run render` shows them whole. */
const longText = 160;

/**
 * Groups recorded resources under the top-level component that owns them, in the program's order,
 * sorted within a component, with inputs normalised so that two plans of the same config are
 * byte-identical and `diff` shows exactly what a config change does.
 */
export function buildPlan(args: {
  stack: string;
  provider: Cloud;
  resources: RecordedResource[];
  outputs: unknown;
  notes?: string[];
  cost?: CostEstimate;
  migrationCost?: CostEstimate;
}): Plan {
  const byUrn = new Map(args.resources.map((r) => [r.urn, r]));
  const topOf = (r: RecordedResource): RecordedResource => {
    let current = r;
    for (let parent = current.parent && byUrn.get(current.parent); parent; parent = current.parent && byUrn.get(current.parent)) {
      current = parent;
    }
    return current;
  };
  const components = new Map<string, PlannedComponent>();
  const order = (r: RecordedResource) => `${r.type.startsWith("portage:") ? 0 : 1}`;
  for (const resource of [...args.resources].sort((a, b) => order(a).localeCompare(order(b)))) {
    const top = topOf(resource);
    const key = top.urn;
    if (!components.has(key)) components.set(key, { name: top.name, type: top.type, resources: [] });
    if (!resource.custom) continue;
    components.get(key)?.resources.push(planned(resource));
  }
  const list = [...components.values()].filter((c) => c.resources.length > 0);
  list.sort((a, b) => componentRank(a.name) - componentRank(b.name) || a.name.localeCompare(b.name));
  for (const c of list) c.resources.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name, "en", { numeric: true }));
  return {
    stack: args.stack,
    provider: args.provider,
    resourceCount: list.reduce((n, c) => n + c.resources.length, 0),
    components: list,
    outputs: normalise(args.outputs),
    notes: args.notes ?? [],
    ...(args.cost ? { cost: args.cost } : {}),
    ...(args.migrationCost ? { migrationCost: args.migrationCost } : {}),
  };
}

/** The program's composition order, so the plan reads top-down like stacks/program.ts. */
const programOrder = ["data-guard", "cloud", "network", "bucket", "database", "edge", "secrets", "fleet", "dns", "release"];
function componentRank(name: string): number {
  const i = programOrder.indexOf(name);
  return i < 0 ? programOrder.length : i;
}

function planned(r: RecordedResource): PlannedResource {
  const inputs: Record<string, unknown> = {};
  for (const key of Object.keys(r.inputs).sort()) {
    if (!hiddenInputs.has(key)) inputs[key] = normalise(r.inputs[key]);
  }
  const o = r.options;
  return {
    type: r.type,
    name: r.name,
    inputs,
    options: {
      ...(o.protect ? { protect: true as const } : {}),
      ...(o.retainOnDelete ? { retainOnDelete: true as const } : {}),
      ...(o.deleteBeforeReplace ? { deleteBeforeReplace: true as const } : {}),
      ...(o.ignoreChanges.length > 0 ? { ignoreChanges: [...o.ignoreChanges].sort() } : {}),
    },
  };
}

/** Secrets hidden, long text summarised, keys sorted, assets shown by path. */
export function normalise(value: unknown): unknown {
  if (value instanceof Secret) return "[secret]";
  if (typeof value === "string") {
    return value.length > longText
      ? `<${value.length} bytes, sha256 ${createHash("sha256").update(value).digest("hex").slice(0, 12)}>`
      : value;
  }
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, normalise(record[k])]),
    );
  }
  return value;
}

/** The plan as text: one property per line, so a line diff of two plans is a readable review. */
export function formatPlan(plan: Plan): string {
  const lines = [`portage plan: stack ${plan.stack}, provider ${plan.provider}, ${plan.resourceCount} resources`];
  for (const note of plan.notes) lines.push(`note: ${note}`);
  for (const component of plan.components) {
    lines.push("", `${component.name} (${component.type}): ${component.resources.length} resources`);
    for (const r of component.resources) {
      const flags = Object.entries(r.options).map(([k, v]) => (v === true ? k : `${k}=${JSON.stringify(v)}`));
      lines.push(`  ${r.type}  ${r.name}${flags.length ? `  [${flags.join(", ")}]` : ""}`);
      for (const line of flatten(r.inputs)) lines.push(`      ${line}`);
    }
  }
  lines.push("", "outputs:");
  for (const line of flatten(plan.outputs as Record<string, unknown>)) lines.push(`  ${line}`);
  if (plan.cost) lines.push("", ...formatCost(plan.cost, plan.provider));
  if (plan.migrationCost) lines.push("", ...formatMigrationCost(plan.migrationCost));
  return `${lines.join("\n")}\n`;
}

/** `a.b[0].c: value` lines for nested inputs. */
function flatten(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${path}: []`];
    if (value.every((v) => typeof v !== "object" || v === null)) return [`${path}: ${JSON.stringify(value)}`];
    return value.flatMap((v, i) => flatten(v, `${path}[${i}]`));
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return path ? [`${path}: {}`] : [];
    return entries.flatMap(([k, v]) => flatten(v, path ? `${path}.${k}` : k));
  }
  return [`${path}: ${JSON.stringify(value)}`];
}
