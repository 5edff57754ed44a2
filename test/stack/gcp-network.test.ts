import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { regionAddresses } from "../../components/config";
import { runStack } from "../../tools/offline/stack";
import { access, validConfig } from "../support/stack";
import { all, at, one, runGcp, T } from "./gcp-support";

const regions = { virginia: "us-east4", london: "europe-west2", tokyo: "asia-northeast1" };

function overlaps(a: string, b: string): boolean {
  const [addrA, lenA] = ipaddr.IPv4.parseCIDR(a);
  const [addrB, lenB] = ipaddr.IPv4.parseCIDR(b);
  return addrA.match(addrB, Math.min(lenA, lenB));
}

describe("gcp network: one global VPC, a subnet and Cloud NAT per region, private services for Cloud SQL", async () => {
  const run = await runGcp({
    "portage:fleet": { regions: Object.keys(regions), nodesPerRegion: 2 },
    "portage:access": { ...access, adminCidrs: ["203.0.113.10/32", "198.51.100.0/24"] },
  });
  const network = one(run, T.network);
  const subnets = all(run, T.subnet);

  it("one custom-mode VPC with global routing", () => {
    expect(network.inputs).toMatchObject({ autoCreateSubnetworks: false, routingMode: "GLOBAL" });
  });

  it("a subnet per fleet region, in the provider's region, with the region's fixed range", () => {
    expect(subnets.map((s) => s.inputs.region).sort()).toEqual(Object.values(regions).sort());
    for (const subnet of subnets) {
      const plan = regionAddresses("gcp", String(subnet.inputs.region));
      expect(plan.ok && plan.cidr).toBe(subnet.inputs.ipCidrRange);
      expect(subnet.inputs.network).toBe(`${network.name}-id`);
    }
  });

  it("subnets never overlap each other or Cloud SQL's private services range", () => {
    const ranges = [...subnets.map((s) => String(s.inputs.ipCidrRange)), "10.200.0.0/16"];
    for (const [i, a] of ranges.entries()) {
      for (const b of ranges.slice(i + 1)) expect(overlaps(a, b), `${a} overlaps ${b}`).toBe(false);
    }
  });

  it("nodes without public addresses reach Google APIs privately (private Google access on every subnet)", () => {
    for (const subnet of subnets) expect(subnet.inputs.privateIpGoogleAccess).toBe(true);
  });

  it("CKV_GCP_26: VPC flow logs on every subnet", () => {
    for (const subnet of subnets) expect(at(subnet, "logConfig", "metadata")).toBe("INCLUDE_ALL_METADATA");
  });

  it("a Cloud Router and Cloud NAT per region, translating only that region's stack subnet", () => {
    const routers = all(run, T.router);
    const nats = all(run, T.nat);
    expect(routers.map((r) => r.inputs.region).sort()).toEqual(Object.values(regions).sort());
    expect(nats).toHaveLength(3);
    for (const nat of nats) {
      const subnet = subnets.find((s) => s.inputs.region === nat.inputs.region);
      expect(nat.inputs).toMatchObject({ natIpAllocateOption: "AUTO_ONLY", sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS" });
      expect(nat.inputs.subnetworks).toEqual([{ name: `${subnet?.name}-id`, sourceIpRangesToNats: ["ALL_IP_RANGES"] }]);
      const router = routers.find((r) => r.inputs.region === nat.inputs.region);
      expect(String(nat.inputs.router)).toMatch(new RegExp(`^${router?.name}-`));
    }
  });

  it("private services access: a /16 peering range at 10.200.0.0 connected to servicenetworking", () => {
    const range = one(run, T.globalAddress);
    expect(range.inputs).toMatchObject({
      purpose: "VPC_PEERING",
      addressType: "INTERNAL",
      address: "10.200.0.0",
      prefixLength: 16,
      network: `${network.name}-id`,
    });
    const connection = one(run, T.connection);
    expect(connection.inputs.service).toBe("servicenetworking.googleapis.com");
    expect(connection.inputs.network).toBe(`${network.name}-id`);
    expect((connection.inputs.reservedPeeringRanges as string[])[0]).toMatch(new RegExp(`^${range.name}-`));
  });
});

describe("gcp firewall: every way in, described, on the stack's network tags", async () => {
  const run = await runGcp({
    "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 1 },
    "portage:access": { ...access, adminCidrs: ["203.0.113.10/32", "198.51.100.0/24"] },
  });
  const rules = all(run, T.firewall);
  const rule = (suffix: string) => one(run, T.firewall, `network-${suffix}`);
  const [edge, node] = ["hello-dev-edge", "hello-dev-node"];

  it("exactly these rules, and nothing else", () => {
    expect(rules.map((r) => r.name).sort()).toEqual(
      ["edge-web", "edge-ssh", "edge-admin", "node-app", "node-ssh", "node-cluster", "edge-no-postgres"].map((s) => `network-${s}`).sort(),
    );
  });

  it("every rule is described and targets the edge or node tag on the stack's network, never every VM", () => {
    for (const r of rules) {
      expect(String(r.inputs.description).length, r.name).toBeGreaterThan(30);
      expect(r.inputs.network).toBe("network-vpc-id");
      expect([[edge], [node]]).toContainEqual(r.inputs.targetTags);
    }
  });

  it("80 and 443 from anywhere, to the edge only", () => {
    expect(rule("edge-web").inputs).toMatchObject({
      direction: "INGRESS",
      sourceRanges: ["0.0.0.0/0"],
      targetTags: [edge],
      allows: [{ protocol: "tcp", ports: ["80", "443"] }],
    });
  });

  it("CKV_GCP_2: SSH to the edge from the admin ranges only", () => {
    expect(rule("edge-ssh").inputs).toMatchObject({
      direction: "INGRESS",
      sourceRanges: ["203.0.113.10/32", "198.51.100.0/24"],
      targetTags: [edge],
      allows: [{ protocol: "tcp", ports: ["22"] }],
    });
  });

  it("CKV_GCP_2, CKV_GCP_3 (SSH, RDP): nothing but 80/443 on the edge is open to 0.0.0.0/0 or ::/0", () => {
    const open = rules.filter((r) =>
      ((r.inputs.sourceRanges as string[] | undefined) ?? []).some((c) => c === "0.0.0.0/0" || c === "::/0"),
    );
    expect(open.map((r) => r.name)).toEqual(["network-edge-web"]);
  });

  it("no rule allows every protocol or every port", () => {
    for (const r of rules) {
      for (const allow of (r.inputs.allows as { protocol: string; ports?: string[] }[] | undefined) ?? []) {
        expect(allow.protocol, r.name).toBe("tcp");
        expect(allow.ports?.length, r.name).toBeGreaterThan(0);
      }
    }
  });

  it("the edge admin API from the nodes only", () => {
    expect(rule("edge-admin").inputs).toMatchObject({
      direction: "INGRESS",
      sourceTags: [node],
      targetTags: [edge],
      allows: [{ protocol: "tcp", ports: ["8404"] }],
    });
    expect(rule("edge-admin").inputs.sourceRanges).toBeUndefined();
  });

  it("both app ports and SSH to the nodes from the edge only", () => {
    expect(rule("node-app").inputs).toMatchObject({
      direction: "INGRESS",
      sourceTags: [edge],
      targetTags: [node],
      allows: [{ protocol: "tcp", ports: ["4000", "4001"] }],
    });
    expect(rule("node-ssh").inputs).toMatchObject({
      direction: "INGRESS",
      sourceTags: [edge],
      targetTags: [node],
      allows: [{ protocol: "tcp", ports: ["22"] }],
    });
    for (const suffix of ["node-app", "node-ssh"]) expect(rule(suffix).inputs.sourceRanges).toBeUndefined();
  });

  it("epmd and the Erlang distribution range between nodes only", () => {
    expect(rule("node-cluster").inputs).toMatchObject({
      direction: "INGRESS",
      sourceTags: [node],
      targetTags: [node],
      allows: [{ protocol: "tcp", ports: ["4369", "9100-9155"] }],
    });
    expect(rule("node-cluster").inputs.sourceRanges).toBeUndefined();
  });

  it("the edge cannot reach Postgres: egress to Cloud SQL's range on 5432 is denied", () => {
    expect(rule("edge-no-postgres").inputs).toMatchObject({
      direction: "EGRESS",
      destinationRanges: ["10.200.0.0/16"],
      targetTags: [edge],
      denies: [{ protocol: "tcp", ports: ["5432"] }],
    });
  });

  it("a custom distribution range and app ports are what the rules open", async () => {
    const custom = await runGcp({ "portage:cluster": { distributionPorts: [9200, 9210] }, "portage:app": { ports: [8080, 8081] } });
    expect(at(one(custom, T.firewall, "network-node-cluster"), "allows", 0, "ports")).toEqual(["4369", "9200-9210"]);
    expect(at(one(custom, T.firewall, "network-node-app"), "allows", 0, "ports")).toEqual(["8080", "8081"]);
  });
});
