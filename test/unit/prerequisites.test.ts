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

describe("what a migration needs beyond a stack's own, by direction", () => {
  const moving = (from: Cloud, to: Cloud) =>
    runOffline(() => buildStack(loadSpec()), {
      config: stackConfigMap({ overrides: validConfig({ "portage:provider": from, "portage:migration": { to, phase: "cutover" } }) }),
      stack: "dev",
    });
  const modulesOf = (run: Run, cloud: Cloud) =>
    [
      ...new Set(
        [...run.resources.map((x) => x.type), ...run.invokes.map((i) => i.token)].filter((t) => t.startsWith(`${cloud}:`)).map(moduleOf),
      ),
    ].sort();

  it("AWS to GCP: the Storage Transfer API and its admin role on the GCP side, nothing new on AWS's; none of it without a migration", async () => {
    const run = await moving("aws", "gcp");
    expect(run.error).toBeUndefined();
    expect(run.resources.some((r) => r.type === "gcp:storage/transferJob:TransferJob")).toBe(true);
    expect(gcpApisFor({ to: "gcp" })).toContain("storagetransfer.googleapis.com");
    expect(gcpNeedsFor({ to: "gcp" }).flatMap((n) => n.roles.map((r) => r.role))).toContain("roles/storagetransfer.admin");
    const covered = {
      gcp: gcpNeedsFor({ to: "gcp" }).flatMap((n) => n.modules),
      aws: awsNeedsFor({ to: "gcp" }).flatMap((n) => n.modules),
    };
    expect(modulesOf(run, "gcp").filter((m) => !covered.gcp.includes(m))).toEqual([]);
    expect(modulesOf(run, "aws").filter((m) => !covered.aws.includes(m))).toEqual([]);
    expect(awsNeedsFor({ to: "gcp" })).toEqual(awsNeedsFor());
    // A stack that does not move is not asked for them.
    expect(gcpApisFor()).not.toContain("storagetransfer.googleapis.com");
    expect(gcpNeedsFor().flatMap((n) => n.roles.map((r) => r.role))).not.toContain("roles/storagetransfer.admin");
    expect(gcpApisFor({ to: "aws" })).toEqual(gcpApisFor());
  }, 120_000);

  it("GCP to AWS: DataSync (the actions the task, its locations and the last pass call) on AWS, the HMAC key's role on GCP", async () => {
    const run = await moving("gcp", "aws");
    expect(run.error).toBeUndefined();
    expect(run.resources.some((r) => r.type === "aws:datasync/task:Task")).toBe(true);
    expect(run.resources.some((r) => r.type === "gcp:storage/hmacKey:HmacKey")).toBe(true);
    const covered = {
      gcp: gcpNeedsFor({ to: "aws" }).flatMap((n) => n.modules),
      aws: awsNeedsFor({ to: "aws" }).flatMap((n) => n.modules),
    };
    expect(modulesOf(run, "gcp").filter((m) => !covered.gcp.includes(m))).toEqual([]);
    expect(modulesOf(run, "aws").filter((m) => !covered.aws.includes(m))).toEqual([]);
    const datasync = awsNeedsFor({ to: "aws" }).find((n) => n.modules.includes("datasync"))!;
    for (const action of ["CreateTask", "CreateLocationObjectStorage", "CreateLocationS3", "StartTaskExecution", "DescribeTaskExecution"])
      expect(datasync.service).toContain(`datasync:${action}`);
    expect(datasync.service).not.toContain("datasync:*");
    expect(awsNeedsFor().some((n) => n.modules.includes("datasync"))).toBe(false);
    expect(gcpNeedsFor({ to: "aws" }).flatMap((n) => n.roles.map((r) => r.role))).toContain("roles/storage.hmacKeyAdmin");
    expect(gcpNeedsFor().flatMap((n) => n.roles.map((r) => r.role))).not.toContain("roles/storage.hmacKeyAdmin");
  }, 120_000);
});
