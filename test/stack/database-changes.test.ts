import { describe, expect, it } from "vitest";
import type { Cloud } from "../../components/config";
import { dataLossRefusals, guardedState } from "../../components/guard";
import { parseStackConfig } from "../../components/config";
import { flattenConfig, type StackConfig } from "../../tools/offline/stack";
import { plannedSteps, type Step } from "../../tools/offline/steps";
import { access, bucketTypes, databaseTypes, runOn, validConfig, type Run } from "../support/stack";

/**
 * What `pulumi up` does to the stack's data when the config changes: two offline runs (the last
 * update and this one) compared the way the engine compares them, with each provider's list of
 * inputs it can only change by a replacement (tools/offline/steps.ts).
 */
const prod = { "portage:production": true };
const run = (cloud: Cloud, overrides: StackConfig) => runOn(cloud, { ...prod, ...overrides }, "prod");
const stepOf = (steps: Step[], type: string, name: string) => {
  const step = steps.find((s) => s.type === type && s.name === name);
  if (!step) throw new Error(`no ${type} ${name} in the plan`);
  return step;
};
const dataTypes = [...databaseTypes, ...bucketTypes, "gcp:sql/database:Database", "gcp:sql/user:User"];

describe.each([false, true])("a major version upgrade on aws (production: %s)", (production) => {
  it("updates the instance in place, on a new parameter group created before it moves and deleted after", async () => {
    const stack = { "portage:production": production };
    const before = await runOn("aws", { ...stack, "portage:database": { version: "15" } });
    const after = await runOn("aws", { ...stack, "portage:database": { version: "16" } });
    const steps = plannedSteps(before.resources, after.resources);

    const instance = stepOf(steps, "aws:rds/instance:Instance", "database-postgres");
    expect(instance.kind).toBe("update");
    expect(instance.changed).toEqual(expect.arrayContaining(["engineVersion", "parameterGroupName"]));
    const db = after.resources.find((r) => r.urn === instance.urn);
    expect(db?.inputs).toMatchObject({ engineVersion: "16", allowMajorVersionUpgrade: true, applyImmediately: true });

    const group = stepOf(steps, "aws:rds/parameterGroup:ParameterGroup", "database-parameters");
    expect(group).toMatchObject({ kind: "replace", forcing: ["family"], deleteBeforeReplace: false, protect: false });
    // Create-before-delete: the engine creates the new group, updates the instance that depends on
    // it (one ModifyDBInstance with the version and the group), then deletes the old group.
    expect(db?.options.dependsOn).toContain(group.urn);
    expect(steps.filter((s) => s.kind === "replace" || s.kind === "delete").map((s) => s.name)).toEqual(["database-parameters"]);
  });
});

describe("a major version upgrade on gcp", () => {
  it("updates the Cloud SQL instance in place, and the guard lets it through in production", async () => {
    const before = await run("gcp", { "portage:database": { version: "15" } });
    const after = await run("gcp", { "portage:database": { version: "16" } });
    const instance = stepOf(
      plannedSteps(before.resources, after.resources),
      "gcp:sql/databaseInstance:DatabaseInstance",
      "database-postgres",
    );
    expect(instance).toMatchObject({ kind: "update", changed: ["databaseVersion"] });
    expect(refusals("gcp", { "portage:database": { version: "15" } }, { "portage:database": { version: "16" } })).toEqual([]);
  });
});

/** Changes a user makes to a running production stack, each of which must leave the data in place. */
const changes: [string, StackConfig, StackConfig][] = [
  ["database.size", { "portage:database": { size: "small" } }, { "portage:database": { size: "medium" } }],
  ["database.storageGb", { "portage:database": { storageGb: 20 } }, { "portage:database": { storageGb: 40 } }],
  ["database.highAvailability", { "portage:database": { highAvailability: false } }, { "portage:database": { highAvailability: true } }],
  ["database.backupDays", { "portage:database": { backupDays: 7 } }, { "portage:database": { backupDays: 14 } }],
  ["database.version", { "portage:database": { version: "16" } }, { "portage:database": { version: "17" } }],
  ["bucket.versioning", { "portage:bucket": { versioning: true } }, { "portage:bucket": { versioning: false } }],
  ["fleet.nodesPerRegion", { "portage:fleet": { nodesPerRegion: 1 } }, { "portage:fleet": { nodesPerRegion: 3 } }],
  ["fleet.regions (one added)", { "portage:fleet": { regions: ["virginia"] } }, { "portage:fleet": { regions: ["virginia", "london"] } }],
  ["edge.kind", { "portage:edge": { kind: "haproxy" } }, { "portage:edge": { kind: "traefik" } }],
  ["access.adminCidrs", {}, { "portage:access": { ...access, adminCidrs: ["198.51.100.7/32"] } }],
];

function refusals(cloud: Cloud, from: StackConfig, to: StackConfig): string[] {
  const spec = (overrides: StackConfig) =>
    parseStackConfig(flattenConfig(validConfig({ ...prod, "portage:provider": cloud, ...overrides })), {
      project: "portage",
      stack: "prod",
      cwd: ".",
    });
  return dataLossRefusals(guardedState(spec(from)), guardedState(spec(to)));
}

describe.each(["aws", "gcp"] as const)("every setting a production stack changes keeps its data (%s)", (cloud) => {
  it.each(changes)("%s: the database and the bucket are updated in place, never replaced or deleted", async (_key, from, to) => {
    const before: Run = await run(cloud, from);
    const after: Run = await run(cloud, to);
    const touched = plannedSteps(before.resources, after.resources).filter(
      (s) => dataTypes.includes(s.type) && (s.kind === "replace" || s.kind === "delete"),
    );
    expect(touched.map((s) => `${s.kind} ${s.type} ${s.name} (${s.forcing.join(", ")})`)).toEqual([]);
    expect(refusals(cloud, from, to)).toEqual([]);
  });
});

describe("a change that would replace the data is refused by the guard before the engine gets to it", () => {
  it.each([
    ["aws", ["aws:rds/instance:Instance database-postgres", "aws:s3/bucket:Bucket bucket"]],
    // Cloud SQL keeps the instance; its database and user are new (the old ones are abandoned, not dropped).
    ["gcp", ["gcp:sql/database:Database database-db", "gcp:sql/user:User database-user"]],
  ] as const)("renaming the app on %s replaces what holds the data, and production refuses it", async (cloud, expected) => {
    const rename = { "portage:app": { name: "shop" } };
    const [before, after] = [await run(cloud, {}), await run(cloud, rename)];
    const replaced = plannedSteps(before.resources, after.resources).filter((s) => dataTypes.includes(s.type) && s.kind === "replace");
    expect(replaced.map((s) => `${s.type} ${s.name}`).sort()).toEqual([...expected].sort());
    expect(refusals(cloud, {}, rename).join("\n")).toContain('the database name (portage:app.name) changed from "hello" to "shop"');
  });
});
