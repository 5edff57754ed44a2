import { describe, expect, it } from "vitest";
import type { Cloud } from "../../components/config";
import { runOffline } from "../../tools/offline/run";
import { stackConfigMap } from "../../tools/offline/stack";
import { portage } from "../../stacks/program";
import type { StackTransforms } from "../../stacks/transforms";
import { nodeVms, ofTypes, validConfig } from "../support/stack";

const run = (provider: Cloud, transforms: StackTransforms) =>
  runOffline(() => portage(transforms), { config: stackConfigMap({ provider, overrides: validConfig() }), stack: "dev" });

describe("stacks/transforms.ts reaches the raw resources of every component", () => {
  it("aws: a partial object is merged into each node's instance", async () => {
    const result = await run("aws", { fleet: { aws: { instance: { monitoring: true } } } });
    expect(result.error).toBeUndefined();
    const nodes = nodeVms(result.resources);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) expect(node.inputs.monitoring).toBe(true);
  });

  it("gcp: a function edits the bucket's arguments in place", async () => {
    const result = await run("gcp", {
      bucket: {
        gcp: {
          bucket: (args) => {
            args.storageClass = "NEARLINE";
          },
        },
      },
    });
    expect(result.error).toBeUndefined();
    const [bucket] = ofTypes(result.resources, ["gcp:storage/bucket:Bucket"]);
    expect(bucket?.inputs.storageClass).toBe("NEARLINE");
  });
});
