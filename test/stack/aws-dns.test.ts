import { beforeAll, describe, expect, it } from "vitest";
import { maxRecordAddresses, recordAddresses } from "../../components/dns/aws";
import { fakeAddress } from "../../tools/offline/mocks";
import { A, all, idOf, one, regionOf, runAws, type Run } from "./aws-support";

describe("aws private DNS for cluster discovery", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runAws({ "portage:fleet": { regions: ["virginia", "london", "tokyo"], nodesPerRegion: 2 } });
  });

  it("a private hosted zone named after the stack, created on the primary VPC", () => {
    const zone = one(run, A.zone, "dns-zone");
    expect(zone.inputs.name).toBe("dev.hello.internal");
    expect(zone.inputs.vpcs).toEqual([{ vpcId: idOf("network-virginia-vpc"), vpcRegion: "us-east-1" }]);
    // The other regions' associations are separate resources the zone must not undo.
    expect(zone.options.ignoreChanges).toContain("vpcs");
  });

  it("associated with every other region's VPC, one association each", () => {
    const associations = all(run, A.zoneAssociation);
    expect(associations.map((a) => [a.inputs.vpcId, a.inputs.vpcRegion, a.inputs.zoneId]).sort()).toEqual(
      [
        [idOf("network-london-vpc"), "eu-west-2", expect.stringMatching(/^Z[0-9A-F]+$/)],
        [idOf("network-tokyo-vpc"), "ap-northeast-1", expect.stringMatching(/^Z[0-9A-F]+$/)],
      ].sort(),
    );
    for (const a of associations) expect(regionOf(run, a)).toBe(a.inputs.vpcRegion);
  });

  it("nodes.<zone> resolves to every node's private address, with a short TTL", () => {
    const record = one(run, A.record, "dns-nodes");
    const addresses = (run.outputs?.nodes ?? []).map((n) => n.privateAddress).sort();
    expect(addresses).toHaveLength(6);
    expect(record.inputs).toMatchObject({ name: "nodes.dev.hello.internal", type: "A", ttl: 10, records: addresses });
  });

  it("edge.<zone> resolves to every region's edge's private address", () => {
    expect(one(run, A.record, "dns-edge").inputs).toMatchObject({
      name: "edge.dev.hello.internal",
      type: "A",
      records: [fakeAddress("edge"), fakeAddress("edge-london-1"), fakeAddress("edge-tokyo-1")],
    });
  });
});

describe("the nodes record at Route 53's size limit", () => {
  const fleet = (regions: number, perRegion: number) =>
    Array.from({ length: regions * perRegion }, (_, i) => ({
      region: `r${Math.floor(i / perRegion)}`,
      index: i % perRegion,
      address: `10.${100 + Math.floor(i / perRegion)}.64.${(i % perRegion) + 10}`,
    }));

  it("lists every node up to the limit, sorted", () => {
    const nodes = fleet(4, 100);
    expect(recordAddresses(nodes)).toEqual(nodes.map((n) => n.address).sort());
  });

  it("past it, lists the same number of the first nodes of every region (Erlang then connects the rest)", () => {
    const listed = recordAddresses(fleet(10, 100));
    expect(listed).toHaveLength(maxRecordAddresses);
    expect(listed).toContain("10.109.64.10");
    expect(listed).not.toContain("10.100.64.109");
    // Adding nodes at the end of a region never displaces a listed one.
    expect(recordAddresses(fleet(10, 101))).toEqual(listed);
  });
});
