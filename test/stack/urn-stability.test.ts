import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clouds, type Cloud } from "../../components/config";
import { aliasUrns } from "../../tools/offline/aliases";
import type { RecordedResource } from "../../tools/offline/run";
import { placeholderRelease, runStack } from "../../tools/offline/stack";
import { runTwoFootprints } from "../support/footprints";
import { validConfig } from "../support/stack";
import { physicalNames, type UrnFixture } from "./fixtures/physical";

/**
 * A stack created by an earlier version must see no replace and no delete after upgrading: every URN
 * it has is still in the program, or is the alias of a resource that is, and that resource names
 * itself the same way on the cloud. (The names that changed to become valid changed only for configs
 * the clouds refused; docs/ARCHITECTURE.md lists them. The shipped stack files have none.)
 */

type Run = { resources: RecordedResource[] };

/** The resource of `run` that answers to `urn`, directly or through an alias. */
function answering(run: Run): (urn: string) => RecordedResource | undefined {
  const aliases = aliasUrns(run.resources);
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  for (const r of run.resources) for (const alias of aliases.get(r.urn) ?? []) if (!byUrn.has(alias)) byUrn.set(alias, r);
  return (urn) => byUrn.get(urn);
}

function fixture(stack: string, cloud: Cloud): UrnFixture {
  return JSON.parse(readFileSync(join(__dirname, "fixtures", `${stack}-${cloud}.json`), "utf8")) as UrnFixture;
}

/**
 * Resources deleted on purpose, each with why its deletion loses nothing: the edge's IPv6 rules let
 * nothing in (the VPC and the edge have no IPv6 address; docs/aws.md); the SSH rollout's commands (below).
 */
/**
 * The SSH rollout's remote commands (`release-deploy-<node>`, `release-edge-routes`), replaced by the
 * rollout through the bucket: they live in Pulumi's state only and have no delete command, so their
 * removal runs nothing on any server.
 */
const sshRollout = { name: /\$command:remote:Command::/, why: "the SSH rollout, replaced by the rollout through the bucket" };

const retired: Record<Cloud, { name: RegExp; why: string }[]> = {
  aws: [{ name: /::network-[a-z]+-edge-in-https?-v6$/, why: "an IPv6 rule on an edge without an IPv6 address" }, sshRollout],
  gcp: [sshRollout],
};

/**
 * Resources replaced on purpose, each with why the replacement loses nothing and opens no gap: the
 * nodes' bucket read became conditional (every object but edge/): an IAM binding holds no data, and
 * the conditioned binding is created before the unconditioned one is deleted.
 */
const replaced: Record<Cloud, { name: RegExp; why: string }[]> = {
  aws: [],
  gcp: [{ name: /BucketIAMBinding::fleet-bucket-read$/, why: "the nodes' bucket read, conditioned to leave out the edges' objects" }],
};

describe.each(["dev", "prod"])("Pulumi.%s.yaml keeps every resource it had", (stack) => {
  describe.each(clouds)("on %s", async (cloud) => {
    const before = fixture(stack, cloud);
    const now = await runStack({ stack, provider: cloud, overrides: { "portage:app": { release: placeholderRelease } } });
    const find = answering(now);

    it("evaluates", () => expect(now.error).toBeUndefined());

    const isRetired = (urn: string) => retired[cloud].some((r) => r.name.test(urn));
    const kept = before.resources.filter((r) => !isRetired(r.urn));

    it(`every URN of the recorded stack is still there or aliased (${before.resources.length} recorded), but the ones retired on purpose`, () => {
      const lost = kept.filter((r) => !find(r.urn)).map((r) => r.urn);
      expect(lost).toEqual([]);
      const retiredUrns = before.resources.filter((r) => isRetired(r.urn)).map((r) => r.urn);
      for (const urn of retiredUrns) expect(find(urn), `${urn} is retired`).toBeUndefined();
    });

    it("every resource keeps its cloud-side names (no replacement, nothing renamed on the cloud)", () => {
      for (const was of kept.filter((r) => !replaced[cloud].some((p) => p.name.test(r.urn)))) {
        const is = find(was.urn);
        expect(is && physicalNames(is), was.urn).toEqual(was.names);
      }
    });
  });
});

describe.each([
  ["aws", "gcp"],
  ["gcp", "aws"],
] as const)("a %s stack whose %s footprint becomes the serving one", (from, to) => {
  // Built beside the serving footprint (a migration target), then serving on its own (the user set
  // portage:provider to it): Pulumi must see renames, not replacements.
  const config = validConfig({ "portage:provider": from, "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 2 } });

  it("every resource of the second footprint is renamed to the serving one's, with the same cloud-side names", async () => {
    const beside = await runTwoFootprints(to, { overrides: config });
    expect(beside.error).toBeUndefined();
    const serving = await runStack({ overrides: { ...config, "portage:provider": to } });
    expect(serving.error).toBeUndefined();
    const find = answering(serving);
    const second = beside.resources.filter((r) => topName(beside, r).startsWith(`${to}-`));
    expect(second.length).toBeGreaterThan(40);
    for (const was of second) {
      const is = find(was.urn);
      expect(is, `${was.urn} answers in the serving footprint`).toBeDefined();
      expect(physicalNames(is as RecordedResource), was.urn).toEqual(physicalNames(was));
    }
  });
});

/** The name of the top-level component a resource belongs to. */
function topName(run: Run, r: RecordedResource): string {
  const byUrn = new Map(run.resources.map((x) => [x.urn, x]));
  let current = r;
  for (let parent = current.parent && byUrn.get(current.parent); parent; parent = current.parent && byUrn.get(current.parent))
    current = parent;
  return current.name;
}
