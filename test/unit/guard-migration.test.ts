import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../components/config";
import { DataGuard, dataLossRefusals, guardedState, type GuardedState } from "../../components/guard";
import { runOffline } from "../../tools/offline/run";
import { placeholderRelease } from "../../tools/offline/stack";

const access = {
  adminCidrs: ["203.0.113.10/32"],
  sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExbxDw9EbFfV1Nt2iyONpbDfB1y1D6RjGSEjZph2L9u you@example.com",
};

function config(overrides: Record<string, unknown>, stack: string): Record<string, string> {
  const base: Record<string, string> = {
    "portage:app": JSON.stringify({ release: placeholderRelease }),
    "portage:access": JSON.stringify(access),
    "gcp:project": "p",
  };
  for (const [key, value] of Object.entries(overrides)) base[key] = typeof value === "string" ? value : JSON.stringify(value);
  return base;
}

const state = (overrides: Record<string, unknown> = {}, stack = "dev"): GuardedState =>
  guardedState(parseStackConfig(config(overrides, stack), { project: "portage", stack, cwd: "." }));

/** A stack on `from` with `portage:migration` in `phase` (no phase: no migration). */
const at = (phase: string | undefined, more: Record<string, unknown> = {}, from = "aws") =>
  state({ "portage:provider": from, ...(phase ? { "portage:migration": { to: from === "aws" ? "gcp" : "aws", phase } } : {}), ...more });

describe("the data guard during a migration between clouds", () => {
  it.each([
    [undefined, "replicate"],
    ["replicate", "replicate"],
    ["replicate", "cutover"],
    ["replicate", "cancel"],
    ["cutover", "cutover"],
    ["cutover", "rollback"],
    ["cutover", "finish"],
    ["rollback", "cutover"],
    ["rollback", "replicate"],
    ["rollback", "cancel"],
    ["finish", "finish"],
    ["cancel", "cancel"],
    ["cancel", undefined],
  ])("lets %s be followed by %s, in both directions", (from, to) => {
    for (const cloud of ["aws", "gcp"]) expect(dataLossRefusals(at(from, {}, cloud), at(to, {}, cloud))).toEqual([]);
  });

  it.each([
    [undefined, "cutover", "no migration cannot be followed by phase cutover: start with phase replicate"],
    [undefined, "finish", "no migration cannot be followed by phase finish: start with phase replicate, then cutover"],
    ["replicate", "finish", "phase replicate cannot be followed by phase finish: run phase cutover first"],
    ["replicate", "rollback", "there is nothing to roll back"],
    ["replicate", undefined, "phase replicate cannot be followed by no migration: set phase cancel first"],
    ["cutover", "replicate", "to move writes and traffic back to the source, set phase rollback"],
    ["cutover", "cancel", "the target takes the writes now; set phase rollback first"],
    ["cutover", undefined, "finish the migration (phase finish), or roll back"],
    ["rollback", "finish", "run phase cutover again first"],
    ["finish", "rollback", "after finish the reverse replication is gone"],
    ["cancel", "replicate", "drop portage:migration (which removes the target), then start again"],
  ])("refuses %s followed by %s, saying what to do instead", (from, to, message) => {
    const [reason, ...more] = dataLossRefusals(at(from), at(to));
    expect(more).toEqual([]);
    expect(reason).toContain(message);
  });

  it("refuses a provider switch before finish, and says the migration is the way", () => {
    const [reason] = dataLossRefusals(
      at("cutover"),
      state({ "portage:provider": "gcp", "portage:migration": { to: "aws", phase: "cutover" } }),
    );
    expect(reason).toContain(
      "portage:provider changed from aws to gcp during a migration in phase cutover: portage:provider changes only after phase finish",
    );
  });

  it("lets the switch after finish through when the target keeps its address space and regions, in production too", () => {
    const prod = { "portage:production": "true" };
    const finished = state({ ...prod, "portage:migration": { to: "gcp", phase: "finish" } }, "prod");
    expect(finished.migration).toEqual({ to: "gcp", phase: "finish", space: "alternate", regions: ["virginia"] });
    const switched = state({ ...prod, "portage:provider": "gcp", "portage:addressSpace": "alternate" }, "prod");
    expect(dataLossRefusals(finished, switched)).toEqual([]);
  });

  it("refuses the switch when it would renumber or rename the target, naming the values to set", () => {
    const finished = state({
      "portage:migration": { to: "gcp", phase: "finish", regions: ["us-east4"] },
      "portage:fleet": { regions: ["us-east-1"] },
    });
    const refusals = dataLossRefusals(finished, state({ "portage:provider": "gcp", "portage:fleet": { regions: ["virginia"] } }));
    expect(refusals).toEqual([
      'portage:addressSpace is "default", but the gcp footprint was built in the "alternate" space: set portage:addressSpace alternate (any other value renumbers its network and replaces everything in it)',
      'portage:fleet.regions is ["virginia"], but the gcp footprint was built in ["us-east4"] (portage:migration.regions or fleet.regions): set portage:fleet.regions to ["us-east4"] (the regions\' names name its resources)',
    ]);
  });

  it("refuses dropping portage:migration after finish without the switch, with the whole switch to make", () => {
    const [reason] = dataLossRefusals(at("finish"), at(undefined));
    expect(reason).toContain(
      'complete the move in one update, set portage:provider gcp, portage:addressSpace alternate and portage:fleet.regions ["virginia"], and drop portage:migration',
    );
  });

  it("refuses moving the target's primary region during a migration (its database would be replaced)", () => {
    const [reason] = dataLossRefusals(at("cutover"), at("cutover", { "portage:fleet": { regions: ["london"] } }));
    expect(reason).toContain(
      'the target\'s primary region (the first of portage:migration.regions, or of portage:fleet.regions) changed from "virginia" to "london"',
    );
  });

  it("refuses a major version upgrade during a migration (it drops the replication's slots)", () => {
    const [reason] = dataLossRefusals(at("replicate"), at("replicate", { "portage:database": { version: "17" } }));
    expect(reason).toContain('portage:database.version changed from "16" to "17" during a migration');
  });

  it("refuses renumbering a stack (portage:addressSpace), in production even with data loss allowed", () => {
    expect(dataLossRefusals(state(), state({ "portage:addressSpace": "alternate" }))[0]).toContain(
      'portage:addressSpace changed from "default" to "alternate": this renumbers the network and replaces everything in it',
    );
    expect(dataLossRefusals(state(), state({ "portage:addressSpace": "alternate", "portage:allowDataLoss": "true" }))).toEqual([]);
    const prod = { "portage:production": "true", "portage:allowDataLoss": "true" };
    expect(dataLossRefusals(state({}, "prod"), state({ ...prod, "portage:addressSpace": "alternate" }, "prod"))).toHaveLength(1);
  });

  it("reads states written before portage:addressSpace existed as the default space", () => {
    const { addressSpace: _, regions: __, ...old } = state();
    expect(dataLossRefusals(old, at("replicate"))).toEqual([]);
  });

  it("is what the engine runs: the provider serialized into the stack refuses a skipped phase in check()", async () => {
    const spec = parseStackConfig(config({}, "dev"), { project: "portage", stack: "dev", cwd: "." });
    const run = await runOffline(() => ({ id: new DataGuard("data-guard", spec).id }), { config: {} });
    expect(run.error).toBeUndefined();
    const requireFromString = createRequire(require.resolve("@pulumi/pulumi"))("require-from-string") as (code: string) => {
      handler(): { check(o: unknown, n: unknown): Promise<{ failures: { property: string; reason: string }[] }> };
    };
    const engineSide = requireFromString(String(run.resources[0]?.inputs.__provider)).handler();
    const { failures } = await engineSide.check(at(undefined), at("finish"));
    expect(failures.map((f) => f.reason)).toEqual([expect.stringContaining("no migration cannot be followed by phase finish")]);
  });
});
