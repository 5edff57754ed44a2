import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../tools/offline/run";
import { reveal } from "../support/stack";
import { A, all, runAws, type Run } from "./aws-support";

/**
 * What a user must never see replaced or rebooted by growing the fleet: the VMs (their root volumes are
 * part of the instance's inputs), the database and where they sit (network, groups, identity).
 */
const kept = [A.instance, A.db, A.dbSubnets, A.dbParameters, A.vpc, A.subnet, A.sg, A.eni, A.role, A.profile, A.nat, A.bucket];

const fleet = (regions: (string | { name: string; nodes: number })[], nodesPerRegion: number) => ({
  "portage:fleet": { regions, nodesPerRegion },
});

function keptResources(run: Run): Map<string, RecordedResource> {
  return new Map(run.resources.filter((r) => (kept as readonly string[]).includes(r.type)).map((r) => [`${r.type}::${r.name}`, r]));
}

/** Inputs and the options that decide replacement, as a plan would compare them. */
const comparable = (r: RecordedResource) => ({
  inputs: reveal(r.inputs),
  provider: r.options.provider,
  protect: r.options.protect,
  ignoreChanges: r.options.ignoreChanges,
  deleteBeforeReplace: r.options.deleteBeforeReplace,
});

describe("growing the fleet leaves every existing VM, volume and database as it was", () => {
  let base: Run;
  let moreNodes: Run;
  let moreRegions: Run;
  let moreInLondon: Run;
  beforeAll(async () => {
    // One at a time: the Pulumi runtime is one global per process.
    base = await runAws(fleet(["virginia", "london"], 2));
    moreNodes = await runAws(fleet(["virginia", "london"], 3));
    moreRegions = await runAws(fleet(["virginia", "london", "tokyo"], 2));
    moreInLondon = await runAws(fleet(["virginia", { name: "london", nodes: 3 }], 2));
  });

  it.each([
    ["one more node per region", () => moreNodes, 2],
    ["one more region", () => moreRegions, 2],
    ["one more node in one region (its own count)", () => moreInLondon, 1],
  ] as const)("%s: the new nodes are added", (_what, after, added) => {
    const nodes = (run: Run) => all(run, A.instance).filter((i) => i.name.startsWith("fleet-")).length;
    expect(nodes(after())).toBe(nodes(base) + added);
  });

  it.each([
    ["one more node per region", () => moreNodes],
    ["one more region", () => moreRegions],
    ["one more node in one region (its own count)", () => moreInLondon],
  ] as const)("%s: inputs of every existing instance, database and their network and identity are identical", (_what, after) => {
    const before = keptResources(base);
    const now = keptResources(after());
    expect(before.size).toBeGreaterThan(30);
    for (const [key, was] of before) {
      const is = now.get(key);
      expect(is, `${key} still exists`).toBeDefined();
      expect(comparable(is as RecordedResource), key).toEqual(comparable(was));
    }
  });

  it("one more node in one region: it is that region's next node, the other region keeps its count", () => {
    const nodes = (run: Run) =>
      all(run, A.instance)
        .filter((i) => i.name.startsWith("fleet-"))
        .map((i) => i.name);
    expect(nodes(moreInLondon)).toEqual([...nodes(base), "fleet-london-3"]);
  });

  it("one more region: existing peerings and their routes are untouched, the new region only adds its own", () => {
    const names = (run: Run, type: string) => all(run, type).map((r) => r.name);
    expect(names(moreRegions, A.peering)).toEqual(expect.arrayContaining(names(base, A.peering)));
    for (const route of all(base, A.route)) {
      const same = all(moreRegions, A.route).find((r) => r.name === route.name);
      expect(same && reveal(same.inputs), route.name).toEqual(reveal(route.inputs));
    }
  });
});
