import { describe, expect, it } from "vitest";
import { estimateMonthlyCost } from "../../components/costs";
import { stackSpec } from "../artifacts/support/variants";

/** RDS bills Extended Support per vCPU-hour for a version past standard support (13 since 2026-02-28). */
describe("the plan's estimate of a Postgres version in RDS Extended Support", () => {
  const line = (version: string, highAvailability = false) =>
    estimateMonthlyCost(stackSpec("dev", "aws", { "portage:database": { version, highAvailability } })).lines.find((l) =>
      l.item.startsWith("RDS Extended Support"),
    );

  it("adds Postgres 13's Extended Support: 2 vCPU of db.t4g.small at $0.10 an hour, for the standby too", () => {
    expect(line("13")).toEqual({ item: "RDS Extended Support for Postgres 13 (since 2026-02-28, 2 vCPU)", monthly: 146 });
    expect(line("13", true)?.monthly).toBe(292);
  });

  it("adds nothing for a version in standard support", () => {
    expect(line("17")).toBeUndefined();
  });
});
