import { describe, expect, it } from "vitest";
import { estimateMonthlyCost } from "../../components/costs";
import { stackSpec } from "../artifacts/support/variants";

/** What issue 14's options add to the plan's monthly estimate: public DNS health checks and read replicas. */
describe("the plan's estimate of edge.dnsZone and database.replicas", () => {
  const lines = (provider: "aws" | "gcp", overrides = {}) => estimateMonthlyCost(stackSpec("prod", provider, overrides)).lines;
  const replica = { "portage:database": { replicas: ["london"] } };

  it("aws: a Route 53 HTTPS health check every 10 s per region, $2.50 each (prod: two regions)", () => {
    expect(lines("aws").find((l) => l.item.startsWith("public latency records"))).toEqual({
      item: "public latency records in example.com: a Route 53 health check per region (2), HTTPS every 10 s (queries $0.60 per million)",
      monthly: 5,
    });
  });

  it("aws: a read replica costs its class and storage again, and its KMS key", () => {
    // db.m7g.large $0.168/h x 730 + 50 GB x $0.115 + $1.
    expect(lines("aws", replica).find((l) => l.item.startsWith("read replica"))).toEqual({
      item: "read replica in london (db.m7g.large, 50 GB, its KMS key), before replication traffic",
      monthly: 129.39,
    });
  });

  it("gcp: a read replica costs its tier and SSD again; the geolocation record no monthly fee", () => {
    // db-custom-2-7680: 2 x $0.0413 + 7.5 x $0.007 per hour, x 730; 50 GB x $0.17.
    expect(lines("gcp", replica).find((l) => l.item.startsWith("read replica"))?.monthly).toBe(107.12);
    expect(lines("gcp").find((l) => l.item.startsWith("public geolocation record"))?.monthly).toBe(0);
  });

  it("adds neither without the options", () => {
    const dev = estimateMonthlyCost(stackSpec("dev", "aws")).lines.map((l) => l.item);
    expect(dev.some((item) => item.startsWith("read replica") || item.startsWith("public"))).toBe(false);
  });
});
