import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../components/config";
import { estimateMigrationCost, estimateMonthlyCost, migrationPrices, vpnMonthly } from "../../components/costs";
import { flattenConfig, projectRoot, validConfig } from "../../tools/offline/stack";
import { formatMigrationCost } from "../../tools/plan/costs";

const specOf = (overrides: Record<string, unknown>) =>
  parseStackConfig(flattenConfig(validConfig(overrides)), { project: "portage", stack: "dev", cwd: projectRoot });

describe("what a migration adds to the monthly bill", () => {
  it("the VPN: two AWS connections and four HA VPN tunnels at $0.05 an hour each, 730 hours", () => {
    expect(migrationPrices.awsVpnConnectionHour).toBe(0.05);
    expect(migrationPrices.gcpVpnTunnelHour).toBe(0.05);
    expect(vpnMonthly()).toBeCloseTo(219, 2);
  });

  it.each([
    ["aws", "gcp"],
    ["gcp", "aws"],
  ] as const)("moving from %s to %s: the target footprint as priced on its cloud, plus the VPN and the bucket's copy", (from, to) => {
    const spec = specOf({ "portage:provider": from, "portage:migration": { to, phase: "replicate" } });
    const extra = estimateMigrationCost(spec);
    const target = estimateMonthlyCost(spec, spec.clouds[to]);
    expect(extra.lines.filter((l) => l.item.startsWith(`target on ${to}: `)).map((l) => l.monthly)).toEqual(
      target.lines.map((l) => l.monthly),
    );
    expect(extra.lines).toContainEqual({ item: "VPN: 2 AWS Site-to-Site connections and 4 HA VPN tunnels", monthly: 219 });
    // DataSync: 730 / 6 runs at $0.55; Storage Transfer Service: free.
    const copy = to === "aws" ? 66.92 : 0;
    expect(extra.lines.at(-1)).toMatchObject({ item: expect.stringMatching(/^bucket copy: /), monthly: copy });
    expect(extra.total).toBeCloseTo(target.total + 219 + copy, 2);
  });

  it("cancelled: the target and the VPN until portage:migration is dropped, no bucket copy (it is gone)", () => {
    const spec = specOf({ "portage:provider": "gcp", "portage:migration": { to: "aws", phase: "cancel" } });
    const extra = estimateMigrationCost(spec);
    expect(extra.lines.some((l) => l.item.startsWith("bucket copy"))).toBe(false);
    expect(extra.total).toBeCloseTo(estimateMonthlyCost(spec, spec.clouds.aws).total + 219, 2);
  });

  it("npm run plan prints it under the stack's own estimate, with the egress prices", () => {
    const spec = specOf({ "portage:provider": "aws", "portage:migration": { to: "gcp", phase: "replicate" } });
    const lines = formatMigrationCost(estimateMigrationCost(spec));
    expect(lines[0]).toMatch(
      /^while the migration runs, on top: \$\d+\.\d\d a month, before traffic \(.*\$0\.09 per GB from AWS, \$0\.12 per GiB from Google Cloud\)$/,
    );
    expect(lines.map((l) => l.trim())).toContain("$219.00  VPN: 2 AWS Site-to-Site connections and 4 HA VPN tunnels");
  });

  it("a stack without a migration adds nothing", () => {
    expect(estimateMigrationCost(specOf({}))).toEqual({ lines: [], total: 0, unpriced: [] });
  });
});
