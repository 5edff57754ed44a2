import { describe, expect, it } from "vitest";
import { loadSpec, migrationPhases, type Cloud, type MigrationPhase } from "../../components/config";
import { buildStack } from "../../stacks/program";
import { aliasUrns } from "../../tools/offline/aliases";
import { runOffline, Secret, type RecordedResource } from "../../tools/offline/run";
import { runStack, stackConfigMap, type StackConfig } from "../../tools/offline/stack";
import { bucketTypes, databaseTypes, reveal, validConfig, vmTypes } from "../support/stack";

const components = ["cloud", "network", "bucket", "database", "edge", "secrets", "fleet", "dns", "release"];
const stateful = [...databaseTypes, ...bucketTypes];

/** A production stack on `from`, two regions, with `portage:migration` in `phase` when given. */
function config(from: Cloud, to: Cloud, phase?: MigrationPhase): StackConfig {
  return validConfig({
    "portage:provider": from,
    "portage:production": true,
    "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 2 },
    ...(phase ? { "portage:migration": { to, phase } } : {}),
  });
}

/** The program past validation: what `pulumi up` builds for a phase once portage builds it (stacks/migration.ts). */
function runPhase(from: Cloud, to: Cloud, phase: MigrationPhase) {
  return runOffline(() => buildStack(loadSpec()), { config: stackConfigMap({ overrides: config(from, to, phase) }), stack: "prod" });
}

const topName = (byUrn: Map<string, RecordedResource>, r: RecordedResource): string => {
  const parent = r.parent ? byUrn.get(r.parent) : undefined;
  return parent ? topName(byUrn, parent) : r.name;
};

/** Inputs a finished migration may change on the source's stateful resources: protection off, a final snapshot kept. */
const leavingInputs = [
  "deletionProtection",
  "skipFinalSnapshot",
  "finalSnapshotIdentifier",
  "deleteAutomatedBackups",
  "settings.deletionProtectionEnabled",
  "settings.finalBackupConfig",
];

/**
 * A leaving source's inputs as the stack had them: without what leaving changes, and with the
 * mock runtime's name-derived values (ids, auto-names' suffixes, random values) made name-blind: the
 * engine keeps a renamed resource's id and state, the mock derives new ones from the new name.
 */
function asBeforeLeaving(from: Cloud, inputs: Record<string, unknown>): unknown {
  const renamed = new RegExp(`\\b${from}-(${components.join("|")})`, "g");
  const text = JSON.stringify(inputs, (_key, value: unknown) => (value instanceof Secret ? "[secret]" : value))
    .replace(renamed, "$1")
    .replace(/-[0-9a-f]{7}\b/g, "-<auto-name suffix>");
  const copy = JSON.parse(text) as Record<string, unknown>;
  for (const path of leavingInputs) {
    const [a, b] = path.split(".") as [string, string | undefined];
    if (b === undefined) delete copy[a];
    else if (copy[a] && typeof copy[a] === "object") delete (copy[a] as Record<string, unknown>)[b];
  }
  return copy;
}

describe.each([
  ["aws", "gcp"],
  ["gcp", "aws"],
] as const)("a production stack moving from %s to %s", async (from, to) => {
  const before = await runStack({ overrides: config(from, to), stackName: "prod" });
  const runs = new Map(await Promise.all(migrationPhases.map(async (p) => [p, await runPhase(from, to, p)] as const)));

  it("the program refuses every phase it does not build yet, before any resource", async () => {
    for (const phase of migrationPhases) {
      const refused = await runStack({ overrides: config(from, to, phase), stackName: "prod" });
      expect(refused.error?.message, phase).toContain(`does not build phase ${phase} yet`);
      expect(refused.resources, phase).toEqual([]);
    }
  });

  describe.each(migrationPhases)("in phase %s", (phase) => {
    const run = runs.get(phase)!;
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const leaving = phase === "finish";
    const sourceName = (base: string) => (leaving ? `${from}-${base}` : base);

    it("evaluates", () => expect(run.error).toBeUndefined());

    it(`the ${to} target stands beside the ${from} source, each footprint under its own component names`, () => {
      const tops = run.resources.filter((r) => !r.parent).map((r) => r.name);
      expect(tops.sort()).toEqual(["data-guard", "vpn", ...components.map(sourceName), ...components.map((c) => `${to}-${c}`)].sort());
      const targetOf = (types: string[]) =>
        run.resources.filter((r) => types.includes(r.type) && r.type.startsWith(`${to}:`) && topName(byUrn, r).startsWith(`${to}-`));
      expect(targetOf(databaseTypes)).toHaveLength(1);
      expect(targetOf(bucketTypes).length).toBeGreaterThanOrEqual(1);
      // Two regions of two nodes, and an edge pair in each (production): the target fleet runs the release beside the source's.
      expect(targetOf(vmTypes)).toHaveLength(8);
    });

    it("nothing of the source is replaced or deleted: every resource it had is there, same type, same inputs", () => {
      // The data guard records the migration (it checks the next phase against it): not a cloud resource.
      for (const old of before.resources.filter((r) => r.name !== "data-guard")) {
        const name = leaving ? `${from}-${old.name}` : old.name;
        const now = run.resources.find((r) => r.type === old.type && r.name === name);
        expect(now, `${old.type} ${old.name}`).toBeDefined();
        if (!now) continue;
        // Renamed, not replaced: a leaving footprint's components answer to the names they had.
        if (leaving && !now.parent)
          expect(
            now.aliases.map((x) => x.name),
            old.name,
          ).toContain(old.name);
        // Leaving, every input derived from a mock id or name changes with the rename: the stateful ones are compared.
        if (leaving && !stateful.includes(old.type)) continue;
        const inputs = (r: RecordedResource) => (leaving ? asBeforeLeaving(from, r.inputs) : reveal(r.inputs));
        expect(inputs(now), `${old.type} ${old.name}`).toEqual(inputs(old));
      }
    });

    it(
      leaving
        ? "the source's data is kept by a final snapshot, no longer by protection"
        : "the source's database and bucket stay protected",
      () => {
        const source = run.resources.filter((r) => stateful.includes(r.type) && r.type.startsWith(`${from}:`));
        expect(source.length).toBeGreaterThanOrEqual(2);
        for (const r of source) {
          expect(r.options.protect, r.urn).toBe(!leaving);
          if (!leaving || !databaseTypes.includes(r.type)) continue;
          if (from === "aws") {
            expect(r.inputs.skipFinalSnapshot).toBe(false);
            expect(r.inputs.finalSnapshotIdentifier).toMatch(/moved/);
            expect(r.inputs.deleteAutomatedBackups).toBe(false);
          } else {
            expect((r.inputs.settings as { finalBackupConfig?: unknown }).finalBackupConfig).toEqual({ enabled: true, retentionDays: 30 });
          }
        }
        // A production bucket the stack lets go of stays in the cloud with its objects.
        if (leaving) for (const r of source.filter((x) => bucketTypes.includes(x.type))) expect(r.options.retainOnDelete, r.urn).toBe(true);
      },
    );

    it("the target's stateful resources are protected (production) from the first phase", () => {
      const target = run.resources.filter((r) => stateful.includes(r.type) && r.type.startsWith(`${to}:`));
      expect(target.length).toBeGreaterThanOrEqual(2);
      for (const r of target) expect(r.options.protect, r.urn).toBe(true);
    });

    const answering = phase === "cutover" || phase === "finish" ? to : from;
    it(`the outputs describe the ${answering} footprint, which answers in this phase, and name both edges`, () => {
      const out = run.outputs!;
      expect(out.provider).toBe(answering);
      expect(out.migration).toMatchObject({ from, to, phase, answering });
      expect(out.migration!.sourceEdgeAddress).not.toBe(out.migration!.targetEdgeAddress);
      expect(out.edgeAddress).toBe(answering === to ? out.migration!.targetEdgeAddress : out.migration!.sourceEdgeAddress);
    });
  });
});

describe.each([
  ["aws", "gcp"],
  ["gcp", "aws"],
] as const)("closing a migration from %s to %s (after finish: portage:provider the target, no portage:migration)", async (from, to) => {
  const finish = await runPhase(from, to, "finish");
  const closed = await runStack({
    overrides: { ...config(from, to), "portage:provider": to, "portage:addressSpace": "alternate" },
    stackName: "prod",
  });
  const aliases = aliasUrns(closed.resources);
  const answers = new Map(closed.resources.map((r) => [r.urn, r]));
  for (const r of closed.resources) for (const a of aliases.get(r.urn) ?? []) if (!answers.has(a)) answers.set(a, r);
  const byUrn = new Map(finish.resources.map((r) => [r.urn, r]));

  it("evaluates", () => expect(closed.error).toBeUndefined());

  it("the target becomes the serving footprint by renames: every resource it had answers, none replaced", () => {
    const target = finish.resources.filter((r) => topName(byUrn, r).startsWith(`${to}-`));
    expect(target.length).toBeGreaterThan(40);
    for (const r of target) expect(answers.get(r.urn)?.type, r.urn).toBe(r.type);
  });

  it("the values the stack generated (sessions, the cluster's cookie, the edge password) are taken over from the leaving source", () => {
    const generated = finish.resources.filter(
      (r) => r.type === "random:index/randomPassword:RandomPassword" && r.name.startsWith(`${from}-secrets-`),
    );
    expect(generated.map((r) => r.name).sort()).toEqual(
      ["edge-admin-password", "release-cookie", "secret-key-base"].map((id) => `${from}-secrets-${id}`),
    );
    for (const r of generated) expect(answers.get(r.urn)?.name, r.urn).toBe(r.name.replace(`${from}-`, ""));
  });

  it("the leaving source's database and bucket answer to nothing: the closing update deletes them (kept by their final snapshot)", () => {
    const source = finish.resources.filter((r) => stateful.includes(r.type) && r.type.startsWith(`${from}:`));
    expect(source.length).toBeGreaterThanOrEqual(2);
    for (const r of source) expect(answers.get(r.urn), r.urn).toBeUndefined();
  });
});
