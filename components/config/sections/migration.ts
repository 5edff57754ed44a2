import { addressSpaces, otherSpace } from "../addresses";
import { resolveCloud } from "../cloud";
import { Problems, shown } from "../errors";
import type { RawConfig } from "../schema";
import type { CloudSpec, MigrationSpec, PortableSpec } from "../spec";
import type { SectionInput } from "./context";
import { offeredPostgres, supportedPostgres } from "./database";

/**
 * `portage:migration`: what can be checked from the config alone. Which phase may follow which
 * needs the last update's config, so the data guard checks that (components/guard).
 */
export function migrationSection({ raw, problems }: SectionInput): MigrationSpec | undefined {
  const m = raw.migration;
  if (!m) return undefined;
  if (m.to === raw.provider) {
    const other = raw.provider === "aws" ? "gcp" : "aws";
    problems.at(
      "migration.to",
      `"${m.to}" is the cloud that serves the stack already (portage:provider); give the cloud to move to: "${other}"`,
    );
  }
  if (supportedPostgres.includes(raw.database.version) && !offeredPostgres[m.to].includes(raw.database.version)) {
    problems.at(
      "migration.to",
      `${m.to} does not offer Postgres ${raw.database.version} (portage:database.version); it offers ${offeredPostgres[m.to].join(", ")}. ` +
        `Upgrade the database on ${raw.provider} first, then migrate`,
    );
  }
  return { from: raw.provider, to: m.to, phase: m.phase };
}

/** The target's own regions and sizes where the user gave them (`portage:migration.regions`, ...), else the stack's. */
function targetPortable(spec: PortableSpec, m: RawConfig["migration"] & object): PortableSpec {
  return {
    ...spec,
    fleet: { ...spec.fleet, regions: m.regions ?? spec.fleet.regions, size: m.fleetSize ?? spec.fleet.size },
    edge: { ...spec.edge, size: m.edgeSize ?? spec.edge.size },
    database: { ...spec.database, size: m.databaseSize ?? spec.database.size },
  };
}

/** Where a target's value comes from, and the key that sets it for the target alone. */
const overrides = [
  { key: "fleet.regions", own: "regions", what: "the target's regions, in order, the first primary" },
  { key: "fleet.size", own: "fleetSize", what: "the target's node size" },
  { key: "edge.size", own: "edgeSize", what: "the target's edge size" },
  { key: "database.size", own: "databaseSize", what: "the target's database size" },
] as const;

/**
 * The spec resolved for the migration's target, in the address space the serving footprint does not
 * use. A value that only fits the serving cloud (a provider region, an explicit instance type) is
 * refused with the `portage:migration` key that sets the target's own: the stack's keys must not
 * change, they name and size the serving footprint.
 */
export function resolveTarget(
  spec: PortableSpec,
  raw: RawConfig,
  providers: Parameters<typeof resolveCloud>[2]["providers"],
): { cloud: CloudSpec; warnings: string[] } | { problems: string[] } {
  const m = raw.migration;
  if (!m) return { problems: [] };
  const resolved = resolveCloud(targetPortable(spec, m), m.to, {
    because: `portage:migration.to is ${m.to}`,
    providers,
    space: addressSpaces[otherSpace(raw.addressSpace)],
  });
  if (!("problems" in resolved)) return resolved;
  const problems = new Problems();
  for (const line of resolved.problems) {
    const source = overrides.find((o) => line.startsWith(`portage:${o.key}`));
    if (!source) {
      problems.other(line);
    } else if (m[source.own] !== undefined) {
      problems.other(line.replace(`portage:${source.key}`, `portage:migration.${source.own}`));
    } else {
      problems.other(
        `${line}. Keep portage:${source.key} as it is (it names the serving footprint) and set ${source.what} in portage:migration.${source.own}`,
      );
    }
  }
  return { problems: problems.list };
}
