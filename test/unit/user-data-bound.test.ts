import { describe, expect, it } from "vitest";
import { clouds, parseStackConfig, providerRegions, servingCloud, type Cloud, type EdgeKind } from "../../components/config";
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

/**
 * The worst config of each edge kind. Traefik shares no certificate, so with a domain it runs one
 * edge (one region, edge.count 1): its worst cases are the longest domain on one edge, and ten
 * regions without a domain.
 */
const cases: { kind: EdgeKind; domain: boolean; regions: number }[] = [
  { kind: "haproxy", domain: true, regions: 10 },
  { kind: "traefik", domain: false, regions: 10 },
  { kind: "traefik", domain: true, regions: 1 },
];

function worstConfig(cloud: Cloud, { kind, domain: withDomain, regions }: (typeof cases)[number]): StackConfig {
  return {
    "portage:provider": cloud,
    "portage:production": true,
    "gcp:project": "p".repeat(30),
    "portage:fleet": { regions: longestRegions(cloud).slice(0, regions), nodesPerRegion: maxNodesPerRegion },
    "portage:app": {
      name: appName,
      version: "v".repeat(64),
      release: placeholderReleaseFor({ name: appName, version: "v".repeat(64) }),
      healthPath: `/${"h".repeat(254)}`,
      ports: [30000, 30001],
    },
    "portage:access": {
      adminCidrs: Array.from({ length: maxAdminRanges }, (_, i) => `198.51.${i}.0/24`),
      sshPublicKey: largestPublicKey(),
    },
    "portage:edge": withDomain ? { kind, domain, acmeEmail, ...(regions === 1 && kind === "traefik" ? { count: 1 } : {}) } : { kind },
    "portage:cluster": { distributionPorts: [20000, 20999] },
    "portage:rollout": { healthTimeoutSeconds: 1800 },
  };
}

describe.each(clouds)("the largest user-data any accepted config renders fits on %s", (cloud) => {
  it.each(cases)("nodes and the $kind edge (domain: $domain, $regions regions)", (c) => {
    const spec = parseStackConfig(flattenConfig(worstConfig(cloud, c)), { project: "portage", stack: stackName, cwd: projectRoot });
    const resolved = servingCloud(spec);
    expect(resolved.nodes.length).toBe(c.regions * maxNodesPerRegion);
    const last = resolved.nodes.reduce((a, b) => (b.name.length > a.name.length ? b : a));
    expect(last.name).toMatch(/-100$/);
    const texts = {
      node: nodeUserData(nodeRuntime(spec, resolved, last, "b".repeat(63))),
      // An edge that is not the renewer carries the shared certificate's settings too.
      edge: edgeUserData(edgeRuntime(spec, resolved, { edge: resolved.edges.at(-1)!, bucket: "b".repeat(63) })),
    };
    for (const [vm, text] of Object.entries(texts)) {
      if (cloud === "aws") {
        const bytes = packedUserDataBytes(text);
        console.log(`aws ${c.kind} ${vm}: ${Buffer.byteLength(text)} bytes of cloud-config, ${bytes} gzipped (limit ${userDataLimit})`);
        expect(bytes, vm).toBeLessThan(userDataLimit);
      } else {
        expect(Buffer.byteLength(text), vm).toBeLessThan(metadataLimits.value);
        // The other metadata values are two short flags.
        expect(Buffer.byteLength(text) + 1024, vm).toBeLessThan(metadataLimits.total);
      }
    }
  });
});
