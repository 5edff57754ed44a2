import type { RecordedResource } from "./run";
import { Secret } from "./run";

/**
 * What the engine would do between two offline runs of the program (the last update and this one),
 * for the resources whose replacement matters: the provider decides a replacement when an input it
 * cannot update changes (Terraform's ForceNew, which the bridged Pulumi providers keep). The mock
 * runtime cannot know those, so they are listed here from the providers' sources, per resource type.
 */
export const replacedWhenChanged: Record<string, { inputs: string[]; source: string }> = {
  "aws:rds/instance:Instance": {
    inputs: [
      "availabilityZone",
      "characterSetName",
      "customIamInstanceProfile",
      "dbName",
      "engine",
      "identifier",
      "identifierPrefix",
      "kmsKeyId",
      "ncharCharacterSetName",
      "restoreToPointInTime",
      "snapshotIdentifier",
      "storageEncrypted",
      "timezone",
      "username",
    ],
    source: "hashicorp/terraform-provider-aws internal/service/rds/instance.go (ForceNew)",
  },
  "aws:rds/parameterGroup:ParameterGroup": {
    inputs: ["family", "name", "namePrefix", "description"],
    source: "hashicorp/terraform-provider-aws internal/service/rds/parameter_group.go (ForceNew)",
  },
  "aws:rds/subnetGroup:SubnetGroup": {
    inputs: ["name", "namePrefix"],
    source: "hashicorp/terraform-provider-aws internal/service/rds/subnet_group.go (ForceNew)",
  },
  "aws:s3/bucket:Bucket": {
    inputs: ["bucket", "bucketPrefix", "objectLockEnabled"],
    source: "hashicorp/terraform-provider-aws internal/service/s3/bucket.go (ForceNew)",
  },
  "gcp:sql/databaseInstance:DatabaseInstance": {
    // databaseVersion is updated in place: an in-place major version upgrade (GoogleCloudPlatform/magic-modules#6374).
    inputs: ["name", "region", "project", "masterInstanceName", "encryptionKeyName", "replicaConfiguration"],
    source: "hashicorp/terraform-provider-google resource_sql_database_instance.go (ForceNew)",
  },
  "gcp:sql/database:Database": {
    inputs: ["name", "instance", "project"],
    source: "hashicorp/terraform-provider-google resource_sql_database.go (ForceNew)",
  },
  "gcp:sql/user:User": {
    inputs: ["name", "instance", "host", "type", "project"],
    source: "hashicorp/terraform-provider-google resource_sql_user.go (ForceNew)",
  },
  "gcp:storage/bucket:Bucket": {
    inputs: ["name", "location", "project"],
    source: "hashicorp/terraform-provider-google resource_storage_bucket.go (ForceNew)",
  },
};

export type StepKind = "create" | "same" | "update" | "replace" | "delete";

export interface Step {
  urn: string;
  type: string;
  name: string;
  kind: StepKind;
  /** Top-level inputs that differ. */
  changed: string[];
  /** Inputs among them that force the replacement. */
  forcing: string[];
  /** A replacement creates the new resource before deleting the old one unless it says otherwise. */
  deleteBeforeReplace: boolean;
  protect: boolean;
}

/**
 * The step of every resource between `before` and `after`. A replaced resource's new physical name
 * (auto-naming gives the replacement a fresh one) reaches the resources that refer to it, so a
 * dependent that names it in an input the provider cannot update is replaced in turn.
 */
export function plannedSteps(before: RecordedResource[], after: RecordedResource[]): Step[] {
  const old = new Map(before.map((r) => [r.urn, r]));
  const steps = new Map<string, Step>();
  for (const r of after) {
    const was = old.get(r.urn);
    const base = { urn: r.urn, type: r.type, name: r.name, deleteBeforeReplace: r.options.deleteBeforeReplace, protect: r.options.protect };
    if (!was) {
      steps.set(r.urn, { ...base, kind: "create", changed: [], forcing: [] });
      continue;
    }
    const changed = Object.keys({ ...was.inputs, ...r.inputs }).filter((k) => k !== "__defaults" && !same(was.inputs[k], r.inputs[k]));
    steps.set(r.urn, { ...base, kind: changed.length > 0 ? "update" : "same", changed, forcing: forcingOf(r.type, changed) });
  }
  // Replacements, and what they reach, until nothing more changes.
  for (let grew = true; grew;) {
    grew = false;
    for (const r of after) {
      const step = steps.get(r.urn) as Step;
      if (step.kind === "replace" || step.kind === "create") continue;
      const replacedDependencies = r.options.dependsOn.map((urn) => steps.get(urn)).filter((s) => s?.kind === "replace") as Step[];
      const tainted = Object.keys(r.inputs).filter((k) => replacedDependencies.some((d) => mentions(r.inputs[k], d.name)));
      const changed = [...new Set([...step.changed, ...tainted])];
      const forcing = forcingOf(r.type, changed);
      if (forcing.length > 0) {
        steps.set(r.urn, { ...step, kind: "replace", changed, forcing });
        grew = true;
      } else if (changed.length !== step.changed.length) {
        steps.set(r.urn, { ...step, kind: "update", changed, forcing });
      }
    }
  }
  const deleted = before
    .filter((r) => !steps.has(r.urn))
    .map((r): Step => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      kind: "delete",
      changed: [],
      forcing: [],
      deleteBeforeReplace: false,
      protect: r.options.protect,
    }));
  return [...steps.values(), ...deleted];
}

function forcingOf(type: string, changed: string[]): string[] {
  const inputs = replacedWhenChanged[type]?.inputs ?? [];
  return changed.filter((k) => inputs.includes(k));
}

/** Whether a value refers to a resource by its logical name (the mock's ids and auto-names start with it). */
function mentions(value: unknown, name: string): boolean {
  if (typeof value === "string") return value === `${name}-id` || value.startsWith(`${name}-`);
  if (value instanceof Secret) return mentions(value.value, name);
  if (Array.isArray(value)) return value.some((v) => mentions(v, name));
  if (value && typeof value === "object") return Object.values(value).some((v) => mentions(v, name));
  return false;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(plain(a)) === JSON.stringify(plain(b));
}

function plain(value: unknown): unknown {
  if (value instanceof Secret) return { secret: plain(value.value) };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}
