import { describe, expect, it } from "vitest";
import { loadSpec, type Cloud } from "../../components/config";
import { buildStack } from "../../stacks/program";
import { runOffline } from "../../tools/offline/run";
import { stackConfigMap } from "../../tools/offline/stack";
import { awsNeedsFor, gcpApisFor, gcpEnableCommand, gcpNeedsFor } from "../../tools/up/prerequisites";
import { runOn, validConfig, type Run } from "../support/stack";

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
    const covered = gcpNeedsFor().flatMap((n) => n.modules);
    expect(modules.filter((m) => !covered.includes(m))).toEqual([]);
    // And nothing listed that the stack does not use: a role granted for nothing is a role too many.
    expect(covered.filter((m) => !modules.includes(m))).toEqual([]);
    expect(gcpNeedsFor().flatMap((n) => n.roles.map((r) => r.role))).toContain("roles/iam.serviceAccountUser");
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
    const covered = awsNeedsFor().flatMap((n) => n.modules);
    expect(modules.filter((m) => !covered.includes(m))).toEqual([]);
    expect(covered.filter((m) => !modules.includes(m))).toEqual([]);
  }, 120_000);
});

describe("what a migration needs beyond a stack's own: both clouds' copy services, whichever the direction", () => {
  const moving = (from: Cloud, to: Cloud, phase: "cutover" | "rollback") =>
    runOffline(() => buildStack(loadSpec()), {
      config: stackConfigMap({ overrides: validConfig({ "portage:provider": from, "portage:migration": { to, phase } }) }),
      stack: "dev",
    });
  const modulesOf = (run: Run, cloud: Cloud) =>
    [
      ...new Set(
        [...run.resources.map((x) => x.type), ...run.invokes.map((i) => i.token)].filter((t) => t.startsWith(`${cloud}:`)).map(moduleOf),
      ),
    ].sort();
  const roles = (needs: { roles: { role: string }[] }[]) => needs.flatMap((n) => n.roles.map((r) => r.role));

  it.each([
    ["aws", "gcp"],
    ["gcp", "aws"],
  ] as const)(
    "%s to %s: every resource and lookup of cutover (the copy) and rollback (the copy back) is covered",
    async (from, to) => {
      for (const phase of ["cutover", "rollback"] as const) {
        const run = await moving(from, to, phase);
        expect(run.error, phase).toBeUndefined();
        for (const cloud of ["aws", "gcp"] as const) {
          const covered = (cloud === "gcp" ? gcpNeedsFor({ to }) : awsNeedsFor({ to })).flatMap((n) => n.modules);
          expect(
            modulesOf(run, cloud).filter((m) => !covered.includes(m)),
            `${phase} ${cloud}`,
          ).toEqual([]);
        }
        // Both copy services are in use by rollback: into the target until cutover, into the source back.
        const types = run.resources.map((r) => r.type);
        if (phase === "rollback") {
          expect(types).toContain("gcp:storage/transferJob:TransferJob");
          expect(types).toContain("aws:datasync/task:Task");
          expect(types).toContain("gcp:storage/hmacKey:HmacKey");
        }
      }
      expect(gcpApisFor({ to })).toContain("storagetransfer.googleapis.com");
      expect(roles(gcpNeedsFor({ to }))).toEqual(expect.arrayContaining(["roles/storagetransfer.admin", "roles/storage.hmacKeyAdmin"]));
      expect(awsNeedsFor({ to }).some((n) => n.modules.includes("datasync"))).toBe(true);
    },
    240_000,
  );

  it("DataSync's actions are named, not datasync:*: the task's and locations' calls and the runs' (StartTaskExecution, DescribeTaskExecution)", () => {
    const datasync = awsNeedsFor({ to: "aws" }).find((n) => n.modules.includes("datasync"))!;
    for (const action of ["CreateTask", "CreateLocationObjectStorage", "CreateLocationS3", "StartTaskExecution", "DescribeTaskExecution"])
      expect(datasync.service).toContain(`datasync:${action}`);
    expect(datasync.service).not.toContain("datasync:*");
  });

  it("a stack that does not move is asked for none of it", () => {
    expect(gcpApisFor()).not.toContain("storagetransfer.googleapis.com");
    expect(roles(gcpNeedsFor())).not.toContain("roles/storagetransfer.admin");
    expect(roles(gcpNeedsFor())).not.toContain("roles/storage.hmacKeyAdmin");
    expect(awsNeedsFor().some((n) => n.modules.includes("datasync"))).toBe(false);
  });
});
