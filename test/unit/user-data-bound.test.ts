import { describe, expect, it } from "vitest";
import { clouds, edgeKinds, parseStackConfig, providerRegions, servingCloud, type Cloud, type EdgeKind } from "../../components/config";
import { maxAdminRanges } from "../../components/config/admin-ranges";
import { maxNodesPerRegion } from "../../components/config/schema";
import { edgeRuntime } from "../../components/edge";
import { nodeRuntime } from "../../components/fleet";
import { edgeUserData, nodeUserData, packedUserDataBytes, userDataLimit } from "../../components/node";
import { metadataLimits } from "../../components/vm/gcp";
import { placeholderReleaseFor } from "../../tools/offline/release-fixture";
import { flattenConfig, projectRoot, type StackConfig } from "../../tools/offline/stack";
import { largestPublicKey } from "../support/ssh";

/**
 * The largest user-data any accepted config renders: every value that reaches a VM's user-data at
 * its longest (app name, stack name, health path, domain and e-mail, the SSH key, node names of the
 * longest regions numbered to the most nodes), every option on. What AWS counts is what the
 * instance is given (userDataBase64: the gzipped bytes, before base64); GCP counts the text of one
 * metadata value and of all of them.
 */

const appName = `a${"b".repeat(29)}`; // ^[a-z][a-z0-9_]{0,29}$
const stackName = `s${"t".repeat(99)}`; // Pulumi allows 100 characters
/** A 253-character host name of 63-character labels. */
const domain = `${["a", "b", "c"].map((c) => c.repeat(63)).join(".")}.${"d".repeat(57)}.io`;
const acmeEmail = `${"o".repeat(64)}@${"e".repeat(63)}.${"f".repeat(63)}.${"g".repeat(58)}.io`;

/** The ten longest region names the cloud accepts (what node names are made of). */
function longestRegions(cloud: Cloud): string[] {
  return [...providerRegions[cloud]].sort((a, b) => b.length - a.length).slice(0, 10);
}

function worstConfig(cloud: Cloud, kind: EdgeKind): StackConfig {
  return {
    "portage:provider": cloud,
    "portage:production": true,
    "gcp:project": "p".repeat(30),
    "portage:fleet": { regions: longestRegions(cloud), nodesPerRegion: maxNodesPerRegion },
    "portage:app": {
      name: appName,
      version: "v".repeat(64),
      release: placeholderReleaseFor({ name: appName, version: "v".repeat(64) }),
      healthPath: `/${"h".repeat(255)}`,
      ports: [30000, 30001],
    },
    "portage:access": {
      adminCidrs: Array.from({ length: maxAdminRanges }, (_, i) => `198.51.${i}.0/24`),
      sshPublicKey: largestPublicKey(),
    },
    "portage:edge": { kind, domain, acmeEmail },
    "portage:cluster": { distributionPorts: [20000, 20999] },
    "portage:rollout": { healthTimeoutSeconds: 1800 },
  };
}

describe.each(clouds)("the largest user-data any accepted config renders fits on %s", (cloud) => {
  it.each(edgeKinds)("nodes and the %s edge", (kind) => {
    const spec = parseStackConfig(flattenConfig(worstConfig(cloud, kind)), { project: "portage", stack: stackName, cwd: projectRoot });
    const resolved = servingCloud(spec);
    expect(resolved.nodes.length).toBe(10 * maxNodesPerRegion);
    const last = resolved.nodes.reduce((a, b) => (b.name.length > a.name.length ? b : a));
    expect(last.name).toMatch(/-100$/);
    const texts = {
      node: nodeUserData(nodeRuntime(spec, resolved, last, "b".repeat(63))),
      edge: edgeUserData(edgeRuntime(spec, resolved)),
    };
    for (const [vm, text] of Object.entries(texts)) {
      if (cloud === "aws") {
        const bytes = packedUserDataBytes(text);
        console.log(`aws ${kind} ${vm}: ${Buffer.byteLength(text)} bytes of cloud-config, ${bytes} gzipped (limit ${userDataLimit})`);
        expect(bytes, vm).toBeLessThan(userDataLimit);
      } else {
        expect(Buffer.byteLength(text), vm).toBeLessThan(metadataLimits.value);
        // The other metadata values are two short flags.
        expect(Buffer.byteLength(text) + 1024, vm).toBeLessThan(metadataLimits.total);
      }
    }
  });
});
