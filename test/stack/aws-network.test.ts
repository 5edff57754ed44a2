import * as ipaddr from "ipaddr.js";
import { beforeAll, describe, expect, it } from "vitest";
import { regionAddresses } from "../../components/config";
import { maxAdminRanges } from "../../components/config/admin-ranges";
import { slotZones } from "../../components/network/aws-zones";
import { runStack } from "../../tools/offline/stack";
import { access, validConfig } from "../support/stack";
import { A, all, idOf, one, regionOf, runAws, type Run } from "./aws-support";

const regions = { virginia: "us-east-1", london: "eu-west-2", tokyo: "ap-northeast-1" } as const;
const keys = Object.keys(regions) as (keyof typeof regions)[];
/** Fixed by each region's place in the address plan (config/regions.ts). */
const vpcCidr = { virginia: "10.100.0.0/16", london: "10.122.0.0/16", tokyo: "10.114.0.0/16" };

const overlaps = (a: string, b: string) => {
  const [x, xp] = ipaddr.IPv4.parseCIDR(a);
  const [y, yp] = ipaddr.IPv4.parseCIDR(b);
  return x.match(y, Math.min(xp, yp));
};
const inside = (inner: string, outer: string) => ipaddr.IPv4.parseCIDR(inner)[0].match(ipaddr.IPv4.parseCIDR(outer));

describe("aws network: a VPC per region, peered in a full mesh", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runAws({ "portage:fleet": { regions: keys, nodesPerRegion: 2 } });
  });

  it("each region has its own provider, in the aws region of its portable name", () => {
    for (const key of keys) expect(one(run, A.provider, `cloud-aws-${key}`).inputs.region).toBe(regions[key]);
  });

  it("a VPC per region on the region's fixed range, DNS on (the private zone needs it), ranges disjoint", () => {
    for (const key of keys) {
      const vpc = one(run, A.vpc, `network-${key}-vpc`);
      expect(regionOf(run, vpc)).toBe(regions[key]);
      expect(vpc.inputs).toMatchObject({ cidrBlock: vpcCidr[key], enableDnsSupport: true, enableDnsHostnames: true });
    }
    const cidrs = all(run, A.vpc).map((v) => String(v.inputs.cidrBlock));
    expect(cidrs).toHaveLength(3);
    cidrs.forEach((a, i) => cidrs.slice(i + 1).forEach((b) => expect(overlaps(a, b), `${a} vs ${b}`).toBe(false)));
  });

  it("subnets: a public one, three node subnets over three zones, database subnets in the primary only; inside the VPC, disjoint, no public IPs", () => {
    for (const key of keys) {
      const subnets = all(run, A.subnet).filter((s) => s.name.startsWith(`network-${key}-`));
      const names = subnets.map((s) => s.name.replace(`network-${key}-`, "")).sort();
      const database = key === "virginia" ? ["database-1", "database-2", "database-3"] : [];
      expect(names).toEqual([...database, "nodes-1", "nodes-2", "nodes-3", "public"].sort());
      for (const s of subnets) {
        expect(s.inputs.vpcId).toBe(idOf(`network-${key}-vpc`));
        expect(inside(String(s.inputs.cidrBlock), vpcCidr[key])).toBe(true);
        expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
        expect(regionOf(run, s)).toBe(regions[key]);
      }
      subnets.forEach((a, i) =>
        subnets.slice(i + 1).forEach((b) => expect(overlaps(String(a.inputs.cidrBlock), String(b.inputs.cidrBlock))).toBe(false)),
      );
      const zones = (prefix: string) => new Set(subnets.filter((s) => s.name.includes(prefix)).map((s) => s.inputs.availabilityZone));
      expect(zones("-nodes-")).toEqual(new Set(["a", "b", "c"].map((z) => `${regions[key]}${z}`)));
      if (key === "virginia") expect(zones("-database-").size).toBeGreaterThanOrEqual(2);
    }
  });

  it("subnets keep their zone when a later lookup answers differently (moving one would replace its VMs)", () => {
    for (const s of all(run, A.subnet)) expect(s.options.ignoreChanges).toContain("availabilityZone");
  });

  it("zones are looked up once per region: available standard zones (no Local Zones) offering the VM types", () => {
    const zoneLookups = run.invokes.filter((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones");
    expect(zoneLookups).toHaveLength(3);
    for (const lookup of zoneLookups) {
      expect(lookup.inputs).toMatchObject({ state: "available", filters: [{ name: "zone-type", values: ["availability-zone"] }] });
    }
    const offerings = run.invokes.filter((i) => i.token === "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings");
    expect(offerings).toHaveLength(3);
    for (const o of offerings)
      expect(o.inputs).toMatchObject({
        locationType: "availability-zone",
        filters: [{ name: "instance-type", values: expect.arrayContaining(["t3.small"]) }],
      });
  });

  it("a NAT gateway per region in its public subnet: nodes reach the internet through it, the public subnet through the internet gateway, the database subnets not at all", () => {
    for (const key of keys) {
      const nat = one(run, A.nat, `network-${key}-nat`);
      expect(nat.inputs).toMatchObject({ subnetId: idOf(`network-${key}-public`), connectivityType: "public" });
      expect(one(run, A.eip, `network-${key}-nat-address`).inputs.domain).toBe("vpc");
      const defaults = all(run, A.route).filter(
        (r) => r.name.startsWith(`network-${key}-`) && r.inputs.destinationCidrBlock === "0.0.0.0/0",
      );
      expect(defaults.map((r) => [r.inputs.routeTableId, r.inputs.natGatewayId ?? r.inputs.gatewayId]).sort()).toEqual(
        [
          [idOf(`network-${key}-nodes-routes`), idOf(`network-${key}-nat`)],
          [idOf(`network-${key}-public-routes`), idOf(`network-${key}-igw`)],
        ].sort(),
      );
    }
    const tableOf = (subnet: string) => all(run, A.association).find((a) => a.inputs.subnetId === idOf(subnet))?.inputs.routeTableId;
    expect(tableOf("network-virginia-public")).toBe(idOf("network-virginia-public-routes"));
    for (const i of [1, 2, 3]) {
      expect(tableOf(`network-london-nodes-${i}`)).toBe(idOf("network-london-nodes-routes"));
      expect(tableOf(`network-virginia-database-${i}`)).toBe(idOf("network-virginia-database-routes"));
    }
  });

  it("a full peering mesh: each pair requested in one region, accepted in the other", () => {
    const pairs = all(run, A.peering);
    expect(pairs.map((p) => p.name).sort()).toEqual(
      ["network-peering-virginia-london", "network-peering-virginia-tokyo", "network-peering-london-tokyo"].sort(),
    );
    for (const p of pairs) {
      const [, , a, b] = p.name.split("-") as [string, string, keyof typeof regions, keyof typeof regions];
      expect(regionOf(run, p)).toBe(regions[a]);
      expect(p.inputs).toMatchObject({ vpcId: idOf(`network-${a}-vpc`), peerVpcId: idOf(`network-${b}-vpc`), peerRegion: regions[b] });
      const accept = one(run, A.accepter, `${p.name}-accept`);
      expect(regionOf(run, accept)).toBe(regions[b]);
      expect(accept.inputs).toMatchObject({ vpcPeeringConnectionId: idOf(p.name), autoAccept: true });
    }
  });

  it("routes to every other region, both ways, in every table that carries cross-region traffic, once the peering is accepted", () => {
    const peeringRoutes = all(run, A.route).filter((r) => r.inputs.vpcPeeringConnectionId !== undefined);
    const has = (table: string, to: keyof typeof regions) =>
      peeringRoutes.some((r) => r.inputs.routeTableId === idOf(table) && r.inputs.destinationCidrBlock === vpcCidr[to]);
    for (const from of keys) {
      for (const to of keys.filter((k) => k !== from)) {
        expect(has(`network-${from}-nodes-routes`, to), `${from} nodes -> ${to}`).toBe(true);
        // Every region's edges (its public subnet) reach every node; the database answers every node.
        expect(has(`network-${from}-public-routes`, to), `${from} public -> ${to}`).toBe(true);
        expect(has(`network-${from}-database-routes`, to), `${from} database -> ${to}`).toBe(from === "virginia");
      }
    }
    // A route to a peering still pending acceptance is rejected: each waits for its accepter.
    for (const r of peeringRoutes) {
      const accepter = one(run, A.accepter, `${String(r.inputs.vpcPeeringConnectionId).replace(/-id$/, "")}-accept`);
      expect(r.options.dependsOn).toContain(accepter.urn);
    }
    // nodes and public: 3 regions x 2 peers each; the primary's database table: 2.
    expect(peeringRoutes).toHaveLength(14);
  });

  it("the primary region has a free S3 gateway endpoint on the node route table (release downloads skip the NAT charge)", () => {
    const endpoints = all(run, A.endpoint);
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]?.inputs).toMatchObject({
      vpcId: idOf("network-virginia-vpc"),
      serviceName: "com.amazonaws.us-east-1.s3",
      vpcEndpointType: "Gateway",
      routeTableIds: [idOf("network-virginia-nodes-routes")],
    });
  });
});

describe("aws network at its limit: 10 regions", () => {
  const regions = ["virginia", "ohio", "oregon", "california", "montreal", "london", "frankfurt", "paris", "tokyo", "sydney"];
  let run: Run;
  /** The largest config validation accepts: 10 regions, the most admin ranges, edge pairs sharing a certificate. */
  let largest: Run;
  beforeAll(async () => {
    run = await runAws({ "portage:fleet": { regions, nodesPerRegion: 1 } });
    largest = await runAws({
      "portage:fleet": { regions, nodesPerRegion: 1 },
      "portage:edge": { domain: "app.example.com", acmeEmail: "ops@example.com", count: 2 },
      "portage:access": { ...access, adminCidrs: Array.from({ length: maxAdminRanges }, (_, i) => `198.51.${i}.0/24`) },
    });
  });

  it("45 peerings, disjoint VPC ranges", () => {
    expect(all(run, A.peering)).toHaveLength(45);
    expect(all(run, A.accepter)).toHaveLength(45);
    const cidrs = all(run, A.vpc).map((v) => String(v.inputs.cidrBlock));
    expect(new Set(cidrs).size).toBe(10);
    cidrs.forEach((a, i) => cidrs.slice(i + 1).forEach((b) => expect(overlaps(a, b)).toBe(false)));
  });

  /** Rules per security group and direction: AWS allows 60 of each (IPv4 and IPv6 counted apart). */
  const rulesPerGroup = (r: Run) => {
    const count = new Map<string, number>();
    for (const rule of [...all(r, A.ingress), ...all(r, A.egress)]) {
      const key = `${rule.type === A.ingress ? "in" : "out"} ${String(rule.inputs.securityGroupId)}`;
      count.set(key, (count.get(key) ?? 0) + 1);
    }
    return count;
  };

  it(`with the largest config validation accepts (10 regions, ${maxAdminRanges} admin ranges, edge pairs sharing a certificate), every security group stays within AWS's default 60 rules inbound and 60 outbound`, () => {
    const count = rulesPerGroup(largest);
    expect(count.size).toBeGreaterThan(20);
    // The renewer's group is the fullest: HTTP, HTTPS, the admin ranges, the admin API from each
    // region's nodes, ACME from each other region's edges and from its own pair.
    expect(count.get(`in ${idOf("network-virginia-edge")}`)).toBe(60);
    expect(2 + maxAdminRanges + 10 + 9 + 1).toBe(60);
    for (const [group, n] of count) expect(n, group).toBeLessThanOrEqual(60);
  });

  it("one admin range more than that is refused by config, naming the limit", async () => {
    const refused = await runStack({
      provider: "aws",
      overrides: validConfig({
        "portage:access": { ...access, adminCidrs: Array.from({ length: maxAdminRanges + 1 }, (_, i) => `198.51.${i}.0/24`) },
      }),
    });
    expect(refused.error?.message).toContain(
      `portage:access.adminCidrs: lists ${maxAdminRanges + 1} ranges; at most ${maxAdminRanges} fit`,
    );
  });
});

describe("address plan and zone choice", () => {
  it("splits a region's /16 into public /24s (one per edge zone) inside a /22, node /20s inside one /18, database /24s, all disjoint", () => {
    const found = regionAddresses("aws", "ap-east-1");
    if (!found.ok) throw new Error(found.reason);
    const plan = found.addresses;
    expect(found.cidr).toBe("10.105.0.0/16");
    expect(plan).toEqual({
      vpc: "10.105.0.0/16",
      public: "10.105.0.0/24",
      edges: ["10.105.0.0/24", "10.105.1.0/24", "10.105.2.0/24"],
      edgeRange: "10.105.0.0/22",
      nodeRange: "10.105.64.0/18",
      nodes: ["10.105.64.0/20", "10.105.80.0/20", "10.105.96.0/20"],
      databaseRange: "10.105.192.0/22",
      database: ["10.105.192.0/24", "10.105.193.0/24", "10.105.194.0/24"],
    });
    for (const n of plan.nodes) expect(inside(n, plan.nodeRange)).toBe(true);
    for (const d of plan.database) expect(inside(d, plan.databaseRange)).toBe(true);
    expect(overlaps(plan.public, plan.nodeRange)).toBe(false);
    for (const e of plan.edges) expect(inside(e, plan.edgeRange)).toBe(true);
    expect(overlaps(plan.edgeRange, plan.nodeRange)).toBe(false);
    expect(overlaps(plan.nodeRange, plan.databaseRange)).toBe(false);
  });

  const node = (type: string) => ({ type, key: "portage:fleet.size" });
  const edge = (type: string) => ({ type, key: "portage:edge.size" });

  it("skips zones that do not offer every VM type of the region", () => {
    const offerings = {
      instanceTypes: ["t3.small", "t3.small", "t3.small", "t3.large", "t3.large"],
      locations: ["r-a", "r-b", "r-e", "r-b", "r-e"],
    };
    expect(slotZones("r", ["r-a", "r-b", "r-c", "r-e"], offerings, [node("t3.small"), edge("t3.large")])).toEqual(["r-b", "r-e", "r-b"]);
  });

  it("reuses zones round-robin in a region with fewer zones than slots", () => {
    const offerings = { instanceTypes: ["t3.small", "t3.small"], locations: ["r-a", "r-b"] };
    expect(slotZones("r", ["r-a", "r-b"], offerings, [node("t3.small")])).toEqual(["r-a", "r-b", "r-a"]);
  });

  it("refuses a type no zone of the region offers, naming its config key and the command that lists the offerings", () => {
    expect(() => slotZones("r", ["r-a", "r-b", "r-c"], { instanceTypes: [], locations: [] }, [node("x9.huge")])).toThrow(
      'portage:fleet.size: "x9.huge" is offered in no zone of r; choose another size (aws ec2 describe-instance-type-offerings --location-type availability-zone --region r --filters Name=instance-type,Values=x9.huge)',
    );
  });

  it("refuses two types no one zone offers together", () => {
    const offerings = { instanceTypes: ["t3.small", "m7g.large"], locations: ["r-a", "r-b"] };
    expect(() => slotZones("r", ["r-a", "r-b"], offerings, [node("t3.small"), edge("m7g.large")])).toThrow(
      'portage:fleet.size "t3.small" and portage:edge.size "m7g.large": no zone of r offers both',
    );
  });

  it("fails when a region lists no zone", () => {
    expect(() => slotZones("r", [], {}, [node("t3.small")])).toThrow("r lists no available zone");
  });
});
