import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../tools/offline/run";
import { A, all, idOf, one, regionOf, runAws, type Run } from "./aws-support";

/** A rule as a reviewer reads it: direction, protocol, ports, and who is on the other side. */
function ruleText(r: RecordedResource): string {
  const dir = r.type === A.ingress ? "in" : "out";
  const ports = r.inputs.fromPort === r.inputs.toPort ? `${r.inputs.fromPort}` : `${r.inputs.fromPort}-${r.inputs.toPort}`;
  const peer = r.inputs.referencedSecurityGroupId
    ? `sg:${String(r.inputs.referencedSecurityGroupId).replace(/-id$/, "")}`
    : String(r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6);
  return `${dir} ${r.inputs.ipProtocol} ${ports} ${peer}`;
}
const rulesOf = (run: Run, group: string) =>
  [...all(run, A.ingress), ...all(run, A.egress)]
    .filter((r) => r.inputs.securityGroupId === idOf(group))
    .map(ruleText)
    .sort();
const internetOut = ["out tcp 443 0.0.0.0/0", "out tcp 80 0.0.0.0/0", "out udp 123 0.0.0.0/0"];
const openToAll = (r: RecordedResource) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0";

/** What AWS accepts in a security group rule's description. */
const describable = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=;{}!$*]{1,255}$/;

describe("aws security groups, two regions: every rule, and nothing else", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runAws({
      "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 2 },
      "portage:access": {
        adminCidrs: ["203.0.113.10/32", "198.51.100.0/24"],
        sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExbxDw9EbFfV1Nt2iyONpbDfB1y1D6RjGSEjZph2L9u you@example.com",
      },
    });
  });

  it("edge: 80/443 from anyone (IPv4: the edge has no IPv6 address), SSH from the admin ranges only (CKV_AWS_24), admin API from fleet members only", () => {
    expect(rulesOf(run, "network-virginia-edge").filter((r) => r.startsWith("in "))).toEqual(
      [
        "in tcp 80 0.0.0.0/0",
        "in tcp 443 0.0.0.0/0",
        "in tcp 22 203.0.113.10/32",
        "in tcp 22 198.51.100.0/24",
        "in tcp 8404 sg:network-virginia-node",
        "in tcp 8404 10.122.64.0/18",
      ].sort(),
    );
  });

  it("edge egress: app ports and SSH to every node, HTTPS/HTTP/NTP out", () => {
    expect(rulesOf(run, "network-virginia-edge").filter((r) => r.startsWith("out "))).toEqual(
      [
        "out tcp 4000 sg:network-virginia-node",
        "out tcp 4001 sg:network-virginia-node",
        "out tcp 22 sg:network-virginia-node",
        "out tcp 4000 10.122.64.0/18",
        "out tcp 4001 10.122.64.0/18",
        "out tcp 22 10.122.64.0/18",
        ...internetOut,
      ].sort(),
    );
  });

  it("london's edge: the same public entry and admin API; app ports to every node, no SSH to nodes (the bastion is virginia's)", () => {
    expect(rulesOf(run, "network-london-edge")).toEqual(
      [
        "in tcp 80 0.0.0.0/0",
        "in tcp 443 0.0.0.0/0",
        "in tcp 22 203.0.113.10/32",
        "in tcp 22 198.51.100.0/24",
        "in tcp 8404 sg:network-london-node",
        "in tcp 8404 10.100.64.0/18",
        "out tcp 4000 sg:network-london-node",
        "out tcp 4001 sg:network-london-node",
        "out tcp 4000 10.100.64.0/18",
        "out tcp 4001 10.100.64.0/18",
        ...internetOut,
      ].sort(),
    );
  });

  it("nodes in the primary region: app ports and SSH from the edge only, epmd and distribution from fleet members only", () => {
    expect(rulesOf(run, "network-virginia-node")).toEqual(
      [
        "in tcp 4000 sg:network-virginia-edge",
        "in tcp 4001 sg:network-virginia-edge",
        "in tcp 22 sg:network-virginia-edge",
        "in tcp 4369 sg:network-virginia-node",
        "in tcp 9100-9155 sg:network-virginia-node",
        "in tcp 4369 10.122.64.0/18",
        "in tcp 9100-9155 10.122.64.0/18",
        "out tcp 4369 sg:network-virginia-node",
        "out tcp 9100-9155 sg:network-virginia-node",
        "out tcp 4369 10.122.64.0/18",
        "out tcp 9100-9155 10.122.64.0/18",
        "in tcp 4000 10.122.0.0/24",
        "in tcp 4001 10.122.0.0/24",
        "out tcp 5432 sg:network-virginia-database",
        "out tcp 8404 sg:network-virginia-edge",
        "out tcp 8404 10.122.0.0/24",
        ...internetOut,
      ].sort(),
    );
  });

  it("nodes in another region: security groups cannot cross regions, so the rules name the primary's edge subnet and the node ranges; their own region's edges by group", () => {
    expect(rulesOf(run, "network-london-node")).toEqual(
      [
        "in tcp 4000 10.100.0.0/24",
        "in tcp 4001 10.100.0.0/24",
        "in tcp 22 10.100.0.0/24",
        "in tcp 4369 sg:network-london-node",
        "in tcp 9100-9155 sg:network-london-node",
        "in tcp 4369 10.100.64.0/18",
        "in tcp 9100-9155 10.100.64.0/18",
        "out tcp 4369 sg:network-london-node",
        "out tcp 9100-9155 sg:network-london-node",
        "out tcp 4369 10.100.64.0/18",
        "out tcp 9100-9155 10.100.64.0/18",
        "in tcp 4000 sg:network-london-edge",
        "in tcp 4001 sg:network-london-edge",
        "out tcp 5432 10.100.192.0/22",
        "out tcp 8404 10.100.0.0/24",
        "out tcp 8404 sg:network-london-edge",
        ...internetOut,
      ].sort(),
    );
  });

  it("database: Postgres from fleet members only, nothing out", () => {
    expect(rulesOf(run, "network-virginia-database")).toEqual(
      ["in tcp 5432 sg:network-virginia-node", "in tcp 5432 10.122.64.0/18"].sort(),
    );
  });

  it("nothing is open to 0.0.0.0/0 or ::/0 except 80 and 443 on the edges; no rule names an IPv6 range the VPC does not have", () => {
    expect(all(run, A.ingress).filter((r) => r.inputs.cidrIpv6 !== undefined)).toEqual([]);
    const open = all(run, A.ingress).filter(openToAll);
    expect(open.map((r) => `${String(r.inputs.securityGroupId)} ${ruleText(r)}`).sort()).toEqual(
      ["network-virginia-edge", "network-london-edge"]
        .flatMap((g) => ["in tcp 80 0.0.0.0/0", "in tcp 443 0.0.0.0/0"].map((t) => `${idOf(g)} ${t}`))
        .sort(),
    );
  });

  it("every rule is described in characters AWS accepts, and sits in its group's region", () => {
    const rules = [...all(run, A.ingress), ...all(run, A.egress)];
    expect(rules.length).toBeGreaterThan(40);
    for (const r of rules) {
      expect(String(r.inputs.description), r.name).toMatch(describable);
      const group = String(r.inputs.securityGroupId).replace(/-id$/, "");
      expect(regionOf(run, r), r.name).toBe(regionOf(run, one(run, A.sg, group)));
    }
    for (const g of all(run, A.sg)) expect(String(g.inputs.description)).toMatch(describable);
  });

  it("each security group is in its region's VPC and tagged with its role", () => {
    expect(
      all(run, A.sg)
        .map((g) => [g.name, g.inputs.vpcId, (g.inputs.tags as Record<string, string>)["portage-role"]])
        .sort(),
    ).toEqual(
      [
        ["network-london-edge", idOf("network-london-vpc"), "edge"],
        ["network-london-node", idOf("network-london-vpc"), "node"],
        ["network-virginia-database", idOf("network-virginia-vpc"), "database"],
        ["network-virginia-edge", idOf("network-virginia-vpc"), "edge"],
        ["network-virginia-node", idOf("network-virginia-vpc"), "node"],
      ].sort(),
    );
  });
});

describe("aws security groups follow the configured ports", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runAws({ "portage:app": { ports: [5000, 5001] }, "portage:cluster": { distributionPorts: [9200, 9210] } });
  });

  it("app ports and the distribution range come from the config", () => {
    const node = rulesOf(run, "network-virginia-node");
    expect(node).toEqual(
      expect.arrayContaining([
        "in tcp 5000 sg:network-virginia-edge",
        "in tcp 5001 sg:network-virginia-edge",
        "in tcp 9200-9210 sg:network-virginia-node",
      ]),
    );
    expect(node.some((r) => r.includes("4000") || r.includes("9100-9155"))).toBe(false);
  });

  it("one region: no rule names another region's range", () => {
    const cidrs = [...all(run, A.ingress), ...all(run, A.egress)]
      .map((r) => r.inputs.cidrIpv4)
      .filter((c): c is string => typeof c === "string");
    for (const c of cidrs) expect(["0.0.0.0/0", "203.0.113.10/32"]).toContain(c);
  });
});
