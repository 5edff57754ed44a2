import { describe, expect, it } from "vitest";
import { awsNeeds, gcpEnableCommand, gcpNeeds } from "../../tools/up/prerequisites";
import { runOn } from "../support/stack";

/** `gcp:compute/instance:Instance` and `gcp:compute/getZones:getZones` -> compute. */
const moduleOf = (token: string) => /^[a-z0-9]+:([a-zA-Z0-9]+)\//.exec(token)?.[1] ?? token;

describe("what a cloud account needs, checked against what the stack creates", () => {
  it("GCP: every resource and lookup of the stack (prod-sized, both edges) is covered by an API to enable and a role", async () => {
    const runs = await Promise.all([
      runOn("gcp", {
        "portage:production": true,
        "portage:database": { highAvailability: true, replicas: ["london"] },
        "portage:fleet": { regions: ["virginia", "london"] },
        "portage:edge": { domain: "app.example.com", acmeEmail: "ops@example.com", dnsZone: "example.com" },
      }),
      runOn("gcp", { "portage:edge": { kind: "traefik", domain: "shop.example.com", acmeEmail: "ops@example.com" } }),
    ]);
    const tokens = runs
      .flatMap((r) => [...r.resources.map((x) => x.type), ...r.invokes.map((i) => i.token)])
      .filter((t) => t.startsWith("gcp:"));
    const modules = [...new Set(tokens.map(moduleOf))].sort();
    const covered = gcpNeeds.flatMap((n) => n.modules);
    expect(modules.filter((m) => !covered.includes(m))).toEqual([]);
    // And nothing listed that the stack does not use: a role granted for nothing is a role too many.
    expect(covered.filter((m) => !modules.includes(m))).toEqual([]);
    expect(gcpNeeds.flatMap((n) => n.roles.map((r) => r.role))).toContain("roles/iam.serviceAccountUser");
    expect(gcpEnableCommand("p")).toMatch(/^gcloud services enable (\S+\.googleapis\.com )+--project p$/);
  }, 120_000);

  it("AWS: every resource and lookup of the stack belongs to a service the deployer's policy lists", async () => {
    const run = await runOn("aws", {
      "portage:production": true,
      "portage:fleet": { regions: ["virginia", "london"] },
      "portage:database": { replicas: ["london"] },
      "portage:edge": { domain: "app.example.com", acmeEmail: "ops@example.com", dnsZone: "example.com" },
    });
    const tokens = [...run.resources.map((x) => x.type), ...run.invokes.map((i) => i.token)].filter((t) => t.startsWith("aws:"));
    const modules = [...new Set(tokens.map(moduleOf))].sort();
    const covered = awsNeeds.flatMap((n) => n.modules);
    expect(modules.filter((m) => !covered.includes(m))).toEqual([]);
    expect(covered.filter((m) => !modules.includes(m))).toEqual([]);
  }, 120_000);
});
