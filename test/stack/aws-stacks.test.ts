import { describe, expect, it } from "vitest";
import { Bucket } from "../../components/bucket";
import { Providers } from "../../components/cloud";
import { cloudSpec, loadSpec } from "../../components/config";
import { Fleet } from "../../components/fleet";
import { Network } from "../../components/network";
import { runOffline } from "../../tools/offline/run";
import { flattenConfig } from "../../tools/offline/stack";
import { validConfig } from "../support/stack";
import { A, all, one, regionOf, runAwsStack } from "./aws-support";

describe("the stack files evaluate on aws", () => {
  it("Pulumi.dev.yaml: one region, one small node, a single-AZ database, no peering", async () => {
    const run = await runAwsStack("dev");
    const nodes = all(run, A.instance).filter((i) => i.name.startsWith("fleet-"));
    expect(nodes.map((n) => [n.name, n.inputs.instanceType, regionOf(run, n)])).toEqual([["fleet-virginia-1", "t3.small", "us-east-1"]]);
    expect(all(run, A.vpc)).toHaveLength(1);
    expect(all(run, A.peering)).toHaveLength(0);
    expect(one(run, A.db, "database-postgres").inputs).toMatchObject({ multiAz: false, backupRetentionPeriod: 1 });
    expect(run.outputs?.provider).toBe("aws");
  });

  it("Pulumi.prod.yaml: two regions with two medium nodes each, peered, an HA database", async () => {
    const run = await runAwsStack("prod");
    const nodes = all(run, A.instance).filter((i) => i.name.startsWith("fleet-"));
    expect(nodes.map((n) => [n.name, n.inputs.instanceType, regionOf(run, n)])).toEqual([
      ["fleet-virginia-1", "t3.large", "us-east-1"],
      ["fleet-virginia-2", "t3.large", "us-east-1"],
      ["fleet-london-1", "t3.large", "eu-west-2"],
      ["fleet-london-2", "t3.large", "eu-west-2"],
    ]);
    expect(all(run, A.peering).map((p) => p.name)).toEqual(["network-peering-virginia-london"]);
    expect(one(run, A.db, "database-postgres").inputs.multiAz).toBe(true);
    expect(run.outputs?.url).toBe("https://app.example.com");
  });
});

describe("transforms reach the raw aws resources (full control mode)", () => {
  it("a partial merges over the component's arguments; a callback edits one resource by name", async () => {
    const run = await runOffline(
      () => {
        const spec = loadSpec();
        const cloud = cloudSpec(spec, "aws");
        const providers = new Providers("cloud", { spec, cloud });
        const network = new Network("network", {
          spec,
          cloud,
          providers,
          transform: { aws: { vpc: { instanceTenancy: "default", tags: { team: "web" } } } },
        });
        const bucket = new Bucket("bucket", {
          spec,
          cloud,
          providers,
          transform: {
            aws: { encryption: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }] } },
          },
        });
        new Fleet("fleet", {
          spec,
          cloud,
          providers,
          network,
          bucket,
          transform: {
            aws: {
              instance: (args, _opts, name) => {
                if (name === "fleet-virginia-2") args.monitoring = true;
              },
            },
          },
        });
        return {};
      },
      { config: flattenConfig(validConfig({ "portage:fleet": { regions: ["virginia"], nodesPerRegion: 2 } })), stack: "dev" },
    );
    expect(run.error).toBeUndefined();
    expect(one(run, A.vpc, "network-virginia-vpc").inputs).toMatchObject({
      cidrBlock: "10.100.0.0/16",
      instanceTenancy: "default",
      tags: { team: "web" },
    });
    expect(one(run, A.encryption, "bucket-encryption").inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true },
    ]);
    expect(one(run, A.instance, "fleet-virginia-2").inputs.monitoring).toBe(true);
    expect(one(run, A.instance, "fleet-virginia-1").inputs.monitoring).toBeUndefined();
  });
});
