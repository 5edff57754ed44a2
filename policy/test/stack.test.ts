import { describe, expect, it } from "vitest";
import { placeholderRelease, runStack } from "../../tools/offline/stack";
import { checkResources } from "../check";
import { offlineResources } from "../offline";
import { policies } from "../policies";

const release = { "portage:app": { release: placeholderRelease } };
const stacks = ["dev", "prod"].flatMap((stack) => (["aws", "gcp"] as const).map((provider) => ({ stack, provider })));

describe("the whole stack passes the policy pack", () => {
  it.each(stacks)("$stack on $provider", async ({ stack, provider }) => {
    const result = await runStack({ stack, provider, overrides: release });
    expect(result.error).toBeUndefined();
    const resources = offlineResources(result);
    // Every policy of this cloud has something to look at: an empty stack would pass vacuously.
    const types = new Set(resources.map((r) => r.type));
    const idle = policies.filter((p) => p.tags?.includes(provider) && !p.types.some((t) => types.has(t))).map((p) => p.name);
    expect(idle).toEqual([]);
    expect(await checkResources(resources)).toEqual([]);
  });

  it("catches a node turned back to IMDSv1, as a user's transform could (prod on aws)", async () => {
    const resources = offlineResources(await runStack({ stack: "prod", provider: "aws", overrides: release }));
    const node = resources.find(
      (r) => r.type === "aws:ec2/instance:Instance" && (r.props.tags as Record<string, string>)["portage-role"] === "node",
    );
    expect(node).toBeDefined();
    node!.props = { ...node!.props, metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } };
    expect(await checkResources(resources)).toEqual([
      {
        policy: "aws-instance-imdsv2",
        resource: node!.name,
        type: "aws:ec2/instance:Instance",
        message: expect.stringContaining('httpTokens is "optional"'),
      },
    ]);
  });
});
