import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { clouds } from "../../components/config";
import type { RecordedResource } from "../../tools/offline/run";
import { runStack } from "../../tools/offline/stack";
import { access, databaseTypes, diskTypes, ofTypes, reveal, validConfig, vmTypes } from "../support/stack";

const fleet = { regions: ["virginia", "london"], nodesPerRegion: 2 };
const rolloutType = "pulumi-nodejs:dynamic/rollout:Rollout";
const commandType = "pulumi-nodejs:dynamic/rollout:AgentCommand";

const one = (resources: RecordedResource[], type: string, name: string) => {
  const found = resources.filter((r) => r.type === type && r.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0] as RecordedResource;
};
const rolloutOf = (r: { resources: RecordedResource[] }) => one(r.resources, rolloutType, "release-rollout");
const routesOf = (r: { resources: RecordedResource[] }) => one(r.resources, commandType, "release-edge-routes");
const inputs = (r: RecordedResource) => reveal(r.inputs) as Record<string, unknown>;

describe.each(clouds)("%s: shipping a release through the bucket", async (provider) => {
  const run = (app: object = {}, fleetOverride: object = fleet, rollout: object = {}) =>
    runStack({ provider, overrides: validConfig({ "portage:app": app, "portage:fleet": fleetOverride, "portage:rollout": rollout }) });
  const v1 = await run({ version: "0.1.0" });
  const v2 = await run({ version: "0.2.0" });
  const moreNodes = await run({ version: "0.2.0" }, { ...fleet, nodesPerRegion: 3 });
  const newSecret = await run({ version: "0.2.0", secrets: { STRIPE_KEY: "sk_live_second" } });
  const bucketName = String(ofTypes(v1.resources, ["aws:s3/bucket:Bucket", "gcp:storage/bucket:Bucket"])[0]?.name);

  it("evaluates", () => {
    for (const r of [v1, v2, moreNodes, newSecret]) expect(r.error).toBeUndefined();
  });

  it("uploads the tarball under a versioned key and keeps it when the version moves on", () => {
    const artifact = v1.resources.find((r) => r.name === "release-artifact");
    expect(artifact?.inputs[provider === "aws" ? "key" : "name"]).toBe("releases/hello-0.1.0.tar.gz");
    expect(artifact?.options.retainOnDelete).toBe(true);
  });

  it("has no SSH command left: nothing in the update needs a network path to a server", () => {
    expect(v1.resources.filter((r) => r.type.startsWith("command:"))).toEqual([]);
  });

  it("rolls the fleet with one Rollout: the bucket, the version and the tarball's checksum, every node in order", () => {
    const artifactSha = (v1.resources.find((r) => r.name === "release-artifact")?.inputs.metadata as { sha256: string }).sha256;
    const i = inputs(rolloutOf(v1));
    expect(i).toMatchObject({
      version: "0.1.0",
      sha256: artifactSha,
      nodes: ["virginia-1", "virginia-2", "london-1", "london-2"],
      batchSize: 1,
      migrate: "",
      pollSeconds: 2,
      pickupTimeoutSeconds: 900,
      deployTimeoutSeconds: 120 + 600,
      migrateTimeoutSeconds: 600,
    });
    const bucket = i.bucket as Record<string, unknown>;
    expect(bucket).toEqual(
      provider === "aws"
        ? { kind: "s3", bucket: expect.stringMatching(/^hello-dev-/), region: "us-east-1" }
        : { kind: "gcs", bucket: expect.stringMatching(/^bucket-/) },
    );
    expect(rolloutOf(v1).options.dependsOn).toEqual(
      expect.arrayContaining([
        v1.resources.find((r) => r.name === "release-artifact")?.urn,
        routesOf(v1).urn,
        ...v1.resources.filter((r) => r.name.startsWith("secrets-app-")).map((r) => r.urn),
      ]),
    );
    expect(bucketName).not.toBe("undefined");
  });

  it("passes rollout.batchSize as a share, the timeouts and app.migrate (off, or a command) to the Rollout", async () => {
    const custom = await run({ migrate: "bin/hello eval 'Hello.Release.migrate()'" }, fleet, {
      batchSize: "50%",
      pollSeconds: 5,
      deployTimeoutSeconds: 900,
    });
    expect(inputs(rolloutOf(custom))).toMatchObject({
      batchSize: "50%",
      pollSeconds: 5,
      deployTimeoutSeconds: 900,
      migrate: "bin/hello eval 'Hello.Release.migrate()'",
    });
    const off = await run({ migrate: "off" });
    expect(inputs(rolloutOf(off)).migrate).toBeNull();
  });

  it("points releases/current at the version and checksum only after the Rollout", () => {
    const pointer = v1.resources.find((r) => r.name === "release-pointer");
    const artifactSha = (v1.resources.find((r) => r.name === "release-artifact")?.inputs.metadata as { sha256: string }).sha256;
    expect(pointer?.inputs[provider === "aws" ? "key" : "name"]).toBe("releases/current");
    // GCS marks object content sensitive, so the provider SDK sends it as a secret.
    expect(reveal(pointer?.inputs.content)).toEqual(provider === "gcp" ? { secret: `0.1.0 ${artifactSha}\n` } : `0.1.0 ${artifactSha}\n`);
    expect(pointer?.options.dependsOn).toContain(rolloutOf(v1).urn);
  });

  it("a new version changes no VM, disk or database, and only the artifact, the rollout and the pointer", () => {
    for (const type of [...vmTypes, ...diskTypes, ...databaseTypes]) {
      expect(inputsOf(ofTypes(v2.resources, [type]))).toEqual(inputsOf(ofTypes(v1.resources, [type])));
    }
    expect(changedResources(v1.resources, v2.resources)).toEqual(["release-artifact", "release-pointer", "release-rollout"]);
  });

  it("a changed app secret changes its store entry and the rollout's settings revision, no VM and never shows the value", () => {
    expect(changedResources(v2.resources, newSecret.resources)).toEqual(
      provider === "aws" ? ["release-rollout", "secrets-app-secrets"] : ["release-rollout", "secrets-app-secrets"],
    );
    const before = String(inputs(rolloutOf(v2)).settings);
    const after = String(inputs(rolloutOf(newSecret)).settings);
    expect(after).not.toBe(before);
    for (const text of [before, after, JSON.stringify(inputs(rolloutOf(newSecret)))]) {
      expect(text).not.toContain("sk_live");
      expect(text).not.toContain("STRIPE_KEY");
    }
  });

  it("one more node per region leaves every existing VM, disk and database as it was; the Rollout lists the new nodes", () => {
    for (const type of [...vmTypes, ...diskTypes, ...databaseTypes]) {
      const before = inputsOf(ofTypes(v2.resources, [type]));
      const after = inputsOf(ofTypes(moreNodes.resources, [type]));
      for (const [name, value] of Object.entries(before)) expect(after[name], name).toEqual(value);
    }
    expect(inputs(rolloutOf(moreNodes)).nodes).toEqual(["virginia-1", "virginia-2", "virginia-3", "london-1", "london-2", "london-3"]);
  });

  it("a stack without any admin range (access.adminCidrs: []) still ships: no SSH rule at all, the same rollout", async () => {
    const closed = await runStack({ provider, overrides: validConfig({ "portage:access": { ...access, adminCidrs: [] } }) });
    expect(closed.error).toBeUndefined();
    const sshFromOutside = closed.resources.filter((r) => {
      const i = reveal(r.inputs) as Record<string, unknown>;
      if (r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") return i.fromPort === 22 && i.cidrIpv4 !== undefined;
      // A rule with address ranges (or no source at all: every address), not the edge's tag.
      if (r.type === "gcp:compute/firewall:Firewall") return JSON.stringify(i.allows ?? []).includes('"22"') && !i.sourceTags;
      return false;
    });
    expect(sshFromOutside.map((r) => r.name)).toEqual([]);
    expect(inputs(rolloutOf(closed))).toMatchObject({ nodes: ["virginia-1"], version: "0.1.0" });
  });

  it("pushes each edge's routes as an object its own agent applies (portage-edge-apply), a new one when the nodes change", () => {
    const routes = inputs(routesOf(v1));
    expect(routes).toMatchObject({ agent: "edge", argv: ["portage-edge-apply"], user: "root" });
    expect(routes.stdinKey).toBe("edge/routes/edge.cfg");
    // The london edge (regional edges): its own agent, its own routes object; the rollout waits for both.
    const london = one(v1.resources, commandType, "release-edge-routes-london-1");
    expect(inputs(london)).toMatchObject({
      agent: "edge-london-1",
      argv: ["portage-edge-apply"],
      stdinKey: "edge/routes/edge-london-1.cfg",
    });
    expect(rolloutOf(v1).options.dependsOn).toEqual(expect.arrayContaining([routesOf(v1).urn, london.urn]));
    const file = one(
      v1.resources,
      provider === "aws" ? "aws:s3/bucketObjectv2:BucketObjectv2" : "gcp:storage/bucketObject:BucketObject",
      "release-edge-routes-file",
    );
    expect(file.inputs[provider === "aws" ? "key" : "name"]).toBe(routes.stdinKey);
    expect(routesOf(v1).options.dependsOn).toContain(file.urn);
    // The job runs again when the routes change: its trigger is their sha256.
    const sha = (text: unknown) => createHash("sha256").update(String(text)).digest("hex");
    const content = (r: RecordedResource) => (reveal(r.inputs.content) as { secret?: string }).secret ?? r.inputs.content;
    expect(routes.triggers).toEqual([sha(content(file))]);
    const moreFile = one(moreNodes.resources, file.type, "release-edge-routes-file");
    expect(content(moreFile)).not.toEqual(content(file));
    expect(inputs(routesOf(moreNodes)).triggers).toEqual([sha(content(moreFile))]);
    const edgeBefore = ofTypes(v2.resources, vmTypes).filter((r) => r.name.startsWith("edge"));
    const edgeAfter = ofTypes(moreNodes.resources, vmTypes).filter((r) => r.name.startsWith("edge"));
    expect(inputsOf(edgeAfter)).toEqual(inputsOf(edgeBefore));
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
