import { describe, expect, it } from "vitest";
import { clouds } from "../../components/config";
import type { RecordedResource } from "../../tools/offline/run";
import { runStack } from "../../tools/offline/stack";
import { databaseTypes, diskTypes, ofTypes, reveal, validConfig, vmTypes } from "../support/stack";

const fleet = { regions: ["virginia", "london"], nodesPerRegion: 2 };
const deployType = "command:remote:Command";

function deploys(resources: RecordedResource[]): RecordedResource[] {
  return resources.filter((r) => r.type === deployType && r.name.startsWith("release-deploy-"));
}

describe.each(clouds)("%s: shipping a release", async (provider) => {
  const run = (app: object = {}, fleetOverride: object = fleet, rollout: object = {}) =>
    runStack({ provider, overrides: validConfig({ "portage:app": app, "portage:fleet": fleetOverride, "portage:rollout": rollout }) });
  const v1 = await run({ version: "0.1.0" });
  const v2 = await run({ version: "0.2.0" });
  const moreNodes = await run({ version: "0.2.0" }, { ...fleet, nodesPerRegion: 3 });

  it("uploads the tarball under a versioned key and keeps it when the version moves on", () => {
    const artifact = v1.resources.find((r) => r.name === "release-artifact");
    expect(artifact?.inputs[provider === "aws" ? "key" : "name"]).toBe("releases/hello-0.1.0.tar.gz");
    expect(artifact?.options.retainOnDelete).toBe(true);
    expect(JSON.stringify(artifact?.inputs)).toContain("hello-0.1.0.tar.gz");
  });

  it("points releases/current at the version and checksum, only after every node was deployed", () => {
    const pointer = v1.resources.find((r) => r.name === "release-pointer");
    const artifactSha = (v1.resources.find((r) => r.name === "release-artifact")?.inputs.metadata as { sha256: string }).sha256;
    expect(pointer?.inputs[provider === "aws" ? "key" : "name"]).toBe("releases/current");
    // GCS marks object content sensitive, so the provider SDK sends it as a secret.
    expect(reveal(pointer?.inputs.content)).toEqual(provider === "gcp" ? { secret: `0.1.0 ${artifactSha}\n` } : `0.1.0 ${artifactSha}\n`);
    expect(pointer?.options.dependsOn).toEqual(expect.arrayContaining(deploys(v1.resources).map((d) => d.urn)));
  });

  it("deploys every node through the edge with the version and the tarball's checksum", () => {
    const edgeAddress = v1.outputs?.edgeAddress;
    const commands = deploys(v1.resources);
    expect(commands.map((c) => c.name)).toEqual(["virginia-1", "virginia-2", "london-1", "london-2"].map((n) => `release-deploy-${n}`));
    const nodes = v1.outputs?.nodes ?? [];
    commands.forEach((c, i) => {
      // The command provider sends the whole connection as a secret (it may hold a key).
      const connection = (reveal(c.inputs.connection) as { secret: { host: string; user: string; proxy: { host: string; user: string } } })
        .secret;
      expect(connection.host).toBe(nodes[i]?.privateAddress);
      expect(connection.user).toBe("portage");
      expect(connection.proxy).toMatchObject({ host: edgeAddress, user: "portage" });
      expect(c.inputs.create).toMatch(/sudo portage-deploy 0\.1\.0 [0-9a-f]{64}$/);
    });
  });

  it("rolls one node at a time by default: each deploy waits for the one before", () => {
    const commands = deploys(v1.resources);
    for (let i = 1; i < commands.length; i++) expect(commands[i]?.options.dependsOn).toContain(commands[i - 1]?.urn);
    const routes = v1.resources.find((r) => r.name === "release-edge-routes");
    expect(commands[0]?.options.dependsOn).toContain(routes?.urn);
  });

  it("rolls batches of rollout.batchSize: nodes of a batch run together, after the previous batch", async () => {
    const batched = await run({}, fleet, { batchSize: 3 });
    const [a, b, c, d] = deploys(batched.resources);
    for (const first of [a, b, c]) expect(first?.options.dependsOn.filter((u) => u.includes("release-deploy-"))).toEqual([]);
    expect(d?.options.dependsOn).toEqual(expect.arrayContaining([a?.urn, b?.urn, c?.urn]));
  });

  it("a new version changes no VM, disk or database, and only release resources at all", () => {
    for (const type of [...vmTypes, ...diskTypes, ...databaseTypes]) {
      expect(inputsOf(ofTypes(v2.resources, [type]))).toEqual(inputsOf(ofTypes(v1.resources, [type])));
    }
    const changed = changedResources(v1.resources, v2.resources);
    expect(changed.length).toBeGreaterThan(0);
    for (const name of changed) expect(name).toMatch(/^release-(artifact|pointer|deploy-.+)$/);
  });

  it("one more node per region leaves every existing VM, disk and database as it was", () => {
    for (const type of [...vmTypes, ...diskTypes, ...databaseTypes]) {
      const before = inputsOf(ofTypes(v2.resources, [type]));
      const after = inputsOf(ofTypes(moreNodes.resources, [type]));
      for (const [name, inputs] of Object.entries(before)) expect(after[name], name).toEqual(inputs);
    }
    expect(deploys(moreNodes.resources)).toHaveLength(6);
  });

  it("pushes the edge routes (every node on both ports) without replacing the edge", () => {
    const routes = v1.resources.find((r) => r.name === "release-edge-routes");
    expect(routes?.inputs.create).toMatch(/sudo portage-edge-apply$/);
    expect(typeof routes?.inputs.stdin).toBe("string");
    const edgeBefore = ofTypes(v2.resources, vmTypes).filter((r) => r.name.startsWith("edge"));
    const edgeAfter = ofTypes(moreNodes.resources, vmTypes).filter((r) => r.name.startsWith("edge"));
    expect(inputsOf(edgeAfter)).toEqual(inputsOf(edgeBefore));
    const moreRoutes = moreNodes.resources.find((r) => r.name === "release-edge-routes");
    expect(moreRoutes?.inputs.stdin).not.toEqual(routes?.inputs.stdin);
  });
});

function inputsOf(resources: RecordedResource[]): Record<string, unknown> {
  return Object.fromEntries(resources.map((r) => [r.name, reveal(r.inputs)]));
}

/** Names of resources whose inputs differ between two runs, or that exist in one only. */
function changedResources(a: RecordedResource[], b: RecordedResource[]): string[] {
  const left = inputsOf(a.filter((r) => r.custom));
  const right = inputsOf(b.filter((r) => r.custom));
  const names = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...names].filter((n) => JSON.stringify(left[n]) !== JSON.stringify(right[n])).sort();
}
