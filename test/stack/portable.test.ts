import { describe, expect, it } from "vitest";
import { clouds } from "../../components/config";
import { runStack } from "../../tools/offline/stack";
import { bucketTypes, databaseTypes, nodeVms, ofTypes, validConfig, vmTypes } from "../support/stack";

const config = validConfig({ "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 2 } });

describe("one config, either cloud: the same topology and the same outputs", async () => {
  const runs = Object.fromEntries(
    await Promise.all(clouds.map(async (p) => [p, await runStack({ provider: p, overrides: config })] as const)),
  );

  it.each(clouds)("%s: the program evaluates without error", (provider) => {
    expect(runs[provider]?.error).toBeUndefined();
  });

  it.each(clouds)("%s: two nodes and an edge in each region, one database, one bucket", (provider) => {
    const resources = runs[provider]?.resources ?? [];
    expect(nodeVms(resources)).toHaveLength(4);
    expect(ofTypes(resources, vmTypes)).toHaveLength(6);
    expect(ofTypes(resources, databaseTypes)).toHaveLength(1);
    expect(ofTypes(resources, bucketTypes)).toHaveLength(1);
  });

  it("both clouds export the same output names, and the same shape for every output", () => {
    const [aws, gcp] = [runs.aws?.outputs, runs.gcp?.outputs];
    expect(Object.keys(aws ?? {}).sort()).toEqual(Object.keys(gcp ?? {}).sort());
    expect(shape(aws)).toEqual(shape(gcp));
  });

  it.each(clouds)("%s: nodes are named by portable region, in the provider's own regions", (provider) => {
    const nodes = runs[provider]?.outputs?.nodes ?? [];
    expect(nodes.map((n) => n.name)).toEqual(["virginia-1", "virginia-2", "london-1", "london-2"]);
    const expected =
      provider === "aws" ? ["us-east-1", "us-east-1", "eu-west-2", "eu-west-2"] : ["us-east4", "us-east4", "europe-west2", "europe-west2"];
    expect(nodes.map((n) => n.region)).toEqual(expected);
    for (const n of nodes) expect(n.privateAddress).toMatch(/^10\.\d+\.\d+\.\d+$/);
  });

  it.each(clouds)("%s: the SSH command reaches the first node through the edge", (provider) => {
    const out = runs[provider]?.outputs;
    expect(out?.sshCommand).toBe(`ssh -J portage@${out?.edgeAddress} portage@${out?.nodes[0]?.privateAddress}`);
    expect(out?.url).toBe(`http://${out?.edgeAddress}`);
    expect(out?.database.port).toBe(5432);
    expect(out?.database.name).toBe("hello");
  });

  it.each(clouds)("%s: every cloud resource waits for the data guard (through its provider)", (provider) => {
    const resources = runs[provider]?.resources ?? [];
    const guard = resources.find((r) => r.type === "pulumi-nodejs:dynamic/guard:DataGuard");
    const providers = resources.filter((r) => r.type.startsWith("pulumi:providers:") && r.name.startsWith("cloud-"));
    expect(guard).toBeDefined();
    expect(providers.length).toBeGreaterThan(0);
    for (const p of providers) expect(p.options.dependsOn).toContain(guard?.urn);
    const cloudResources = resources.filter((r) => r.custom && r.type.startsWith(`${provider}:`));
    for (const r of cloudResources) {
      expect(
        providers.map((p) => p.urn),
        `${r.type} ${r.name} uses a portage provider`,
      ).toContain(r.options.provider?.split("::").slice(0, 4).join("::"));
    }
  });
});

/** The structure of a value with leaves replaced by their types: equal shapes, different clouds. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shape(v)]),
    );
  }
  return typeof value;
}
