import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { aliasUrns } from "../../tools/offline/aliases";
import type { RecordedResource } from "../../tools/offline/run";

// The SDK's own derivation of a child's aliases from its parent's (what engines without alias specs get).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require("@pulumi/pulumi/resource") as {
  allAliases(childAliases: pulumi.Input<string>[], name: string, type: string, parent: object, parentName: string): pulumi.Output<string>[];
};
const resolved = (outputs: pulumi.Output<string>[]) =>
  Promise.all(outputs.map((o) => (o as unknown as { promise(): Promise<string> }).promise()));

const stack = "urn:pulumi:dev::portage::";
const component = (name: string, alias: string): RecordedResource => ({
  type: "portage:network:Network",
  name,
  urn: `${stack}portage:network:Network::${name}`,
  aliases: [{ name: alias }],
  custom: false,
  inputs: {},
  options: {
    protect: false,
    dependsOn: [],
    deleteBeforeReplace: false,
    ignoreChanges: [],
    replaceOnChanges: [],
    retainOnDelete: false,
    additionalSecretOutputs: [],
  },
});
const child = (parent: RecordedResource, name: string, type: string): RecordedResource => ({
  ...parent,
  type,
  name,
  urn: `${stack}${parent.type}$${type}::${name}`,
  parent: parent.urn,
  aliases: [],
  custom: true,
});

describe("a component's alias covers its children (aliases.ts, as the SDK and the engine derive them)", () => {
  const network = component("network", "gcp-network");
  const vpc = child(network, "network-vpc", "gcp:compute/network:Network");
  const unrelated = child(network, "vpc-of-someone", "gcp:compute/network:Network");
  const derived = aliasUrns([network, vpc, unrelated]);

  it("the component answers to its alias", () => {
    expect(derived.get(network.urn)).toEqual([`${stack}portage:network:Network::gcp-network`]);
  });

  it("a child named after its parent answers to the same name after the parent's alias", () => {
    expect(derived.get(vpc.urn)).toEqual([`${stack}portage:network:Network$gcp:compute/network:Network::gcp-network-vpc`]);
  });

  it("the same URNs as the SDK's allAliases / inheritedChildAlias (node_modules/@pulumi/pulumi/resource.js)", async () => {
    const parent = { __aliases: [pulumi.output(`${stack}portage:network:Network::gcp-network`)] };
    for (const r of [vpc, unrelated]) {
      const fromSdk = (await resolved(sdk.allAliases([], r.name, r.type, parent, network.name))).filter((urn) => urn !== r.urn);
      expect(derived.get(r.urn)).toEqual(fromSdk);
    }
  });

  it("a child not named after its parent has the same URN under either name of its parent (so every child is named after its component)", () => {
    expect(derived.get(unrelated.urn)).toEqual([]);
    expect(unrelated.urn).toBe(`${stack}portage:network:Network$gcp:compute/network:Network::vpc-of-someone`);
  });
});
