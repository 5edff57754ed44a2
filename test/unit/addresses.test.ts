import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { cloudAddresses, clouds, defaultSpace, providerRegions, regionAddresses, type Cloud } from "../../components/config";
import { addressSpaces, otherSpace } from "../../components/config/addresses";

const overlaps = (a: string, b: string) => {
  const [x, xp] = ipaddr.IPv4.parseCIDR(a);
  const [y, yp] = ipaddr.IPv4.parseCIDR(b);
  return x.match(y, Math.min(xp, yp));
};
const rangesOf = (cloud: Cloud, space = defaultSpace) =>
  providerRegions[cloud].map((region) => {
    const found = regionAddresses(cloud, region, space);
    if (!found.ok) throw new Error(found.reason);
    return found.cidr;
  });

describe("the address plan (config/addresses.ts)", () => {
  it.each(clouds)("%s: every region has a range of its own in the default space, none overlapping another", (cloud) => {
    const ranges = [...rangesOf(cloud), ...(cloud === "gcp" ? [cloudAddresses("gcp").privateServices.cidr] : [])];
    expect(ranges.length).toBe(providerRegions[cloud].length + (cloud === "gcp" ? 1 : 0));
    for (const [i, a] of ranges.entries()) for (const b of ranges.slice(i + 1)) expect(overlaps(a, b), `${a} and ${b}`).toBe(false);
  });

  it("today's ranges are fixed by the region's place in the append-only list", () => {
    expect(regionAddresses("aws", "us-east-1")).toMatchObject({ ok: true, cidr: "10.100.0.0/16" });
    expect(regionAddresses("aws", "eu-west-2")).toMatchObject({ ok: true, cidr: "10.122.0.0/16" });
    expect(regionAddresses("gcp", "us-east4")).toMatchObject({ ok: true, cidr: "10.102.0.0/20", addresses: { subnet: "10.102.0.0/20" } });
    expect(cloudAddresses("gcp").privateServices).toEqual({ address: "10.200.0.0", prefixLength: 16, cidr: "10.200.0.0/16" });
  });

  it("the two clouds' default plans overlap: two footprints joined by a VPN need another space for one of them", () => {
    const aws = rangesOf("aws");
    const gcp = rangesOf("gcp");
    expect(aws.some((a) => gcp.some((g) => overlaps(a, g)))).toBe(true);
  });

  it("the default and alternate spaces are disjoint for every region of both clouds, so a migration's two footprints never overlap", () => {
    const all = (space: (typeof addressSpaces)[keyof typeof addressSpaces]) =>
      clouds.flatMap((cloud) => [
        ...rangesOf(cloud, space),
        ...(cloud === "gcp" ? [cloudAddresses("gcp", space).privateServices.cidr] : []),
      ]);
    const [a, b] = [all(addressSpaces.default), all(addressSpaces.alternate)];
    expect(a.length + b.length).toBe(2 * (providerRegions.aws.length + providerRegions.gcp.length + 1));
    for (const x of a) for (const y of b) expect(overlaps(x, y), `${x} and ${y}`).toBe(false);
    expect(otherSpace("default")).toBe("alternate");
    expect(otherSpace("alternate")).toBe("default");
  });

  it("each cloud's ranges in the alternate space are its own too", () => {
    for (const cloud of clouds) {
      const ranges = [
        ...rangesOf(cloud, addressSpaces.alternate),
        ...(cloud === "gcp" ? [cloudAddresses("gcp", addressSpaces.alternate).privateServices.cidr] : []),
      ];
      for (const [i, a] of ranges.entries()) for (const b of ranges.slice(i + 1)) expect(overlaps(a, b), `${a} and ${b}`).toBe(false);
    }
    expect(regionAddresses("aws", "us-east-1", addressSpaces.alternate)).toMatchObject({ ok: true, cidr: "10.20.0.0/16" });
  });

  it("a space that would run past 10.255 names the region that does not fit", () => {
    const space = { name: "late", regionBase: 240, privateServices: "10.201.0.0/16" };
    expect(regionAddresses("gcp", "asia-east1", space)).toEqual({
      ok: false,
      reason: "gcp region asia-east1 falls outside the late address space",
    });
  });

  it("a region the plan does not list has no range", () => {
    expect(regionAddresses("aws", "us-moon-1")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("no place in the address plan"),
    });
  });
});
