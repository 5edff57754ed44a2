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

  it("the edge depends on the internet gateway, the public default route, its association and its egress rules", () => {
    const edge = one(run, A.instance, "edge");
    const needs = [
      ...inRegion(A.igw, "us-east-1"),
      ...inRegion(A.route, "us-east-1").filter((r) => r.name.endsWith("-public-to-internet")),
      ...inRegion(A.association, "us-east-1").filter((r) => r.name.startsWith("network-virginia-public-")),
      ...all(run, A.egress).filter((r) => r.name.startsWith("network-virginia-edge-out-")),
    ];
    expect(needs.length).toBeGreaterThan(5);
    expect(edge.options.dependsOn).toEqual(expect.arrayContaining(urnsOf(needs)));
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

  it("the edge depends on the firewall rules and its grant on its secret", () => {
    const edge = one(run, T.instance, "edge-vm");
    const grant = all(run, T.projectMember).filter((r) => r.name.startsWith("edge"));
    expect(grant.length).toBe(1);
    expect(edge.options.dependsOn).toEqual(expect.arrayContaining([...urnsOf(all(run, T.firewall)), ...urnsOf(grant)]));
  });
});
