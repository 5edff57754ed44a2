import { describe, expect, it } from "vitest";
import type { RecordedResource } from "../../tools/offline/run";
import { A, all, nodeInstances, one, regionOf, runAws } from "./aws-support";
import { T, nodeInstances as gcpNodes, runGcp } from "./gcp-support";

/**
 * cloud-init installs packages once, at a VM's first boot: a VM that boots before its way to the
 * internet exists never gets them. Every VM depends on its way out.
 */

const urnsOf = (list: RecordedResource[]) => list.map((r) => r.urn);

describe("aws: nodes and the edge boot after their way out exists", async () => {
  const run = await runAws({ "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 2 } });
  const inRegion = (type: string, region: string) => all(run, type).filter((r) => regionOf(run, r) === region);

  it("each node depends on its region's NAT gateway, default route, node route table associations and egress rules", () => {
    const nodes = nodeInstances(run);
    expect(nodes.length).toBe(4);
    for (const node of nodes) {
      const region = regionOf(run, node);
      const key = region === "us-east-1" ? "virginia" : "london";
      const needs = [
        ...inRegion(A.nat, region),
        ...inRegion(A.route, region).filter((r) => r.name.endsWith("-nodes-to-internet")),
        ...inRegion(A.association, region).filter((r) => r.name.startsWith(`network-${key}-nodes-`)),
        ...inRegion(A.egress, region).filter((r) => r.name.startsWith(`network-${key}-node-out-`)),
      ];
      expect(needs.filter((r) => r.type === A.nat).length, node.name).toBe(1);
      expect(needs.filter((r) => r.type === A.association).length, node.name).toBe(3);
      expect(needs.filter((r) => r.type === A.egress).length, node.name).toBeGreaterThan(3);
      expect(node.options.dependsOn, node.name).toEqual(expect.arrayContaining(urnsOf(needs)));
    }
  });

  it("every edge of every region depends on its region's internet gateway, public default route, public associations and edge egress rules (edge.count 2)", async () => {
    const pairs = await runAws({ "portage:fleet": { regions: ["virginia", "london"] }, "portage:edge": { count: 2 } });
    const within = (type: string, region: string) => all(pairs, type).filter((r) => regionOf(pairs, r) === region);
    const edges = all(pairs, A.instance).filter((r) => r.name.startsWith("edge"));
    expect(edges.map((e) => e.name)).toEqual(["edge", "edge-virginia-2", "edge-london-1", "edge-london-2"]);
    for (const edge of edges) {
      const region = regionOf(pairs, edge);
      const key = region === "us-east-1" ? "virginia" : "london";
      const needs = [
        ...within(A.igw, region),
        ...within(A.route, region).filter((r) => r.name.endsWith("-public-to-internet")),
        ...within(A.association, region).filter((r) => r.name.startsWith(`network-${key}-public-`)),
        ...within(A.egress, region).filter((r) => r.name.startsWith(`network-${key}-edge-out-`)),
      ];
      expect(needs.filter((r) => r.type === A.igw).length, edge.name).toBe(1);
      // Both edge subnets' associations: each edge stands in its own zone's public subnet.
      expect(needs.filter((r) => r.type === A.association).length, edge.name).toBe(2);
      expect(needs.filter((r) => r.type === A.egress).length, edge.name).toBeGreaterThan(3);
      expect(edge.options.dependsOn, edge.name).toEqual(expect.arrayContaining(urnsOf(needs)));
    }
  });
});

describe("gcp: nodes and the edge boot after their way out exists", async () => {
  const run = await runGcp({ "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 1 } });

  it("each node depends on its region's Cloud NAT, the firewall rules and its grant on the secrets", () => {
    const nodes = gcpNodes(run);
    expect(nodes.length).toBe(2);
    const firewalls = urnsOf(all(run, T.firewall));
    for (const node of nodes) {
      const key = node.name.replace(/^fleet-/, "").replace(/-\d+$/, "");
      const nat = one(run, T.nat, `network-${key}-nat`);
      const grant = one(run, T.projectMember, `${node.name}-secrets`);
      expect(node.options.dependsOn, node.name).toEqual(expect.arrayContaining([nat.urn, grant.urn, ...firewalls]));
    }
  });

  it("every edge of every region depends on the firewall rules and its grant on its secret (edge.count 2)", async () => {
    const pairs = await runGcp({ "portage:fleet": { regions: ["virginia", "london"] }, "portage:edge": { count: 2 } });
    const edges = all(pairs, T.instance).filter((r) => r.name.startsWith("edge"));
    expect(edges.map((e) => e.name)).toEqual(["edge-vm", "edge-virginia-2-vm", "edge-london-1-vm", "edge-london-2-vm"]);
    const grant = all(pairs, T.projectMember).filter((r) => r.name.startsWith("edge"));
    expect(grant.length).toBe(1);
    for (const edge of edges) {
      expect(edge.options.dependsOn, edge.name).toEqual(expect.arrayContaining([...urnsOf(all(pairs, T.firewall)), ...urnsOf(grant)]));
    }
  });
});
