import { beforeAll, describe, expect, it } from "vitest";
import { publicZoneName } from "../../components/dns/public-gcp";
import { all, one, type Run } from "../support/stack";
import { A, idOf, runAws } from "./aws-support";
import { at, runGcp } from "./gcp-support";

/**
 * Public DNS (issue 14, `edge.dnsZone`): portage writes `edge.domain` in the user's zone: a plain A
 * record with one region, latency-based records (Route 53) / a geolocation routing policy (Cloud DNS)
 * with a health check per region's entry with several.
 */
const withZone = { "portage:edge": { domain: "app.example.com", acmeEmail: "ops@example.com", dnsZone: "example.com" } };
const twoRegions = { "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 1 } };
const pair = { "portage:edge": { ...withZone["portage:edge"], count: 2 } };
const R53 = { healthCheck: "aws:route53/healthCheck:HealthCheck" };
const G = { record: "gcp:dns/recordSet:RecordSet", healthCheck: "gcp:compute/healthCheck:HealthCheck" };

/** Each region's entry addresses, from the stack output `entries`. */
function entries(run: Run): Record<string, string[]> {
  return Object.fromEntries((run.outputs?.entries ?? []).map((e) => [e.region, e.addresses]));
}

describe("aws: edge.dnsZone with one region", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runAws(withZone);
  });

  it("looks the public hosted zone up by the zone's name", () => {
    const lookups = run.invokes.filter((i) => i.token === "aws:route53/getZone:getZone");
    expect(lookups.map((i) => i.inputs)).toEqual([{ name: "example.com", privateZone: false }]);
  });

  it("writes one plain A record of the domain to the region's entry, TTL 60, taking over a hand-made one", () => {
    const record = one(run, A.record, "public-dns-virginia");
    expect(record.inputs).toMatchObject({
      name: "app.example.com",
      type: "A",
      ttl: 60,
      allowOverwrite: true,
      records: entries(run)["us-east-1"],
    });
    expect(String(record.inputs.zoneId)).toMatch(/^Z[0-9A-F]{12}$/);
    expect(record.inputs.setIdentifier).toBeUndefined();
    expect(all(run, R53.healthCheck)).toEqual([]);
  });
});

describe("aws: edge.dnsZone with two regions of edge pairs", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runAws({ ...twoRegions, ...pair });
  });

  it("one latency record per region, to that region's balancer addresses, tied to its health check", () => {
    const byRegion = entries(run);
    for (const [key, region] of [
      ["virginia", "us-east-1"],
      ["london", "eu-west-2"],
    ] as const) {
      const record = one(run, A.record, `public-dns-${key}`);
      expect(byRegion[region]).toHaveLength(2);
      expect(record.inputs).toMatchObject({
        name: "app.example.com",
        type: "A",
        ttl: 60,
        setIdentifier: key,
        latencyRoutingPolicies: [{ region }],
        records: byRegion[region],
        healthCheckId: idOf(`public-dns-${key}-health`),
      });
    }
  });

  it("each region's health check: HTTPS with SNI on the app's health path at its entry, every 10 s, 3 failures", () => {
    const byRegion = entries(run);
    expect(one(run, R53.healthCheck, "public-dns-london-health").inputs).toMatchObject({
      type: "HTTPS",
      ipAddress: byRegion["eu-west-2"]?.[0],
      port: 443,
      resourcePath: "/ping",
      fqdn: "app.example.com",
      enableSni: true,
      requestInterval: 10,
      failureThreshold: 3,
    });
    expect(all(run, R53.healthCheck)).toHaveLength(2);
  });

  it("the other regions' records wait for the primary's (Route 53 refuses them beside a plain record it replaces)", () => {
    const primary = one(run, A.record, "public-dns-virginia");
    expect(one(run, A.record, "public-dns-london").options.dependsOn).toContain(primary.urn);
  });
});

describe("aws: without edge.dnsZone", () => {
  it("writes no public record and no health check", async () => {
    const run = await runAws({ ...twoRegions, "portage:edge": { domain: "app.example.com", acmeEmail: "ops@example.com" } });
    expect(
      all(run, A.record)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["dns-edge", "dns-nodes"]);
    expect(all(run, R53.healthCheck)).toEqual([]);
    expect(run.invokes.some((i) => i.token === "aws:route53/getZone:getZone")).toBe(false);
  });
});

describe("gcp: edge.dnsZone with one region", () => {
  it("writes one plain A record set of the domain in the public zone of that name (not the private one)", async () => {
    const run = await runGcp(withZone);
    const record = one(run, G.record, "public-dns-record");
    expect(record.inputs).toMatchObject({
      managedZone: "example-com",
      name: "app.example.com.",
      type: "A",
      ttl: 60,
      rrdatas: entries(run)["us-east4"],
    });
    expect(record.inputs.routingPolicy).toBeUndefined();
    expect(all(run, G.healthCheck)).toEqual([]);
    // A second region replaces it (the policy's health check is ForceNew): the old set goes first.
    expect(record.options.deleteBeforeReplace).toBe(true);
  });
});

describe("gcp: edge.dnsZone with two regions of edge pairs", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runGcp({ ...twoRegions, ...pair });
  });

  it("one record set with a geolocation policy: an item per region, its entry as health-checked external endpoints", () => {
    const record = one(run, G.record, "public-dns-record");
    const byRegion = entries(run);
    expect(record.inputs).toMatchObject({ managedZone: "example-com", name: "app.example.com.", type: "A", ttl: 60 });
    expect(record.inputs.rrdatas).toBeUndefined();
    expect(at(record, "routingPolicy", "enableGeoFencing")).toBe(false);
    expect(at(record, "routingPolicy", "geos")).toEqual([
      { location: "us-east4", healthCheckedTargets: { externalEndpoints: byRegion["us-east4"] } },
      { location: "europe-west2", healthCheckedTargets: { externalEndpoints: byRegion["europe-west2"] } },
    ]);
    expect(at(record, "routingPolicy", "healthCheck")).toBe(
      "https://www.googleapis.com/compute/v1/projects/p/global/healthChecks/public-dns-health",
    );
    // Back to one region, or a new health check, replaces it: deleted before its successor takes the name.
    expect(record.options.deleteBeforeReplace).toBe(true);
  });

  it("the health check: global HTTPS on the app's health path with the domain as host, from 3 regions, every 30 s", () => {
    const check = one(run, G.healthCheck, "public-dns-health");
    expect(check.inputs).toMatchObject({
      httpsHealthCheck: { port: 443, requestPath: "/ping", host: "app.example.com" },
      checkIntervalSec: 30,
      unhealthyThreshold: 2,
    });
    // compute HealthCheck sourceRegions: exactly 3, and then an interval of at least 30 s.
    expect(new Set(check.inputs.sourceRegions as string[]).size).toBe(3);
    expect(Number(check.inputs.timeoutSec)).toBeLessThanOrEqual(Number(check.inputs.checkIntervalSec));
  });
});

describe("gcp: which managed zone edge.dnsZone names", () => {
  const edge = { dnsZone: "example.com", domain: "app.example.com" };
  const zone = (name: string, dnsName: string, visibility: string) => ({ name, dnsName, visibility });

  it("the one public zone of that DNS name, passing over a private one", () => {
    const zones = [
      zone("inside", "example.com.", "private"),
      zone("outside", "example.com.", "public"),
      zone("x", "example.org.", "public"),
    ];
    expect(publicZoneName(zones, edge, "p")).toBe("outside");
  });

  it("none, or only a private one, is an error naming the key, the zone and the project", () => {
    expect(() => publicZoneName([zone("inside", "example.com.", "private")], edge, "my-project")).toThrow(
      "portage:edge.dnsZone: no public Cloud DNS managed zone named example.com. in project my-project; create one",
    );
  });

  it("two public zones of the same name: refused rather than guessed", () => {
    expect(() => publicZoneName([zone("a", "example.com.", "public"), zone("b", "example.com.", "public")], edge, "p")).toThrow(
      "2 public Cloud DNS managed zones named example.com.",
    );
  });
});
