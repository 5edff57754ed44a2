import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { apiProblems, readApis } from "../../components/cloud/gcp-apis";
import { gcpApis, gcpEnableCommand } from "../../components/cloud/prerequisites";
import { runOffline } from "../../tools/offline/run";
import { runGcp } from "./gcp-support";

/**
 * What the account must allow, read in preview before any lookup or resource fails on its own: the
 * project's APIs (GCP).
 */

describe("gcp: the project's APIs, checked in preview", () => {
  it("reads every API the stack calls, and looks nothing else up before it knows they are on", async () => {
    const run = await runGcp();
    const read = run.invokes.filter((i) => i.token === "gcp:projects/getProjectService:getProjectService").map((i) => i.inputs.service);
    expect(read.sort()).toEqual([...gcpApis].sort());
    expect(gcpApis).toEqual(expect.arrayContaining(["compute.googleapis.com", "sqladmin.googleapis.com", "serviceusage.googleapis.com"]));
    const first = run.invokes.findIndex((i) => i.token !== "gcp:projects/getProjectService:getProjectService");
    expect(first).toBeGreaterThanOrEqual(gcpApis.length);
  });

  it("fails a fresh project's preview with the one gcloud line that enables what is off", async () => {
    const run = await runOffline(
      () => {
        const provider = new gcp.Provider("checks", { project: "fresh-project" });
        return { read: pulumi.output(readApis("fresh-project", provider, provider)) };
      },
      { config: {}, preview: true },
    );
    const off = gcpApis.filter((api) => !["storage.googleapis.com", "serviceusage.googleapis.com"].includes(api));
    expect(off.length).toBeGreaterThan(5);
    const message = apiProblems("fresh-project", run.outputs?.read ?? []);
    expect(message).toContain(`gcp:project: the project fresh-project has APIs the stack calls turned off (${off.join(", ")})`);
    expect(message).toContain(gcpEnableCommand("fresh-project", off));
    expect(run.invokes.map((i) => i.inputs.service).sort()).toEqual([...gcpApis].sort());
  });

  it("says which state it could not read, and the role that reads it", () => {
    const message = apiProblems("p", [
      { api: "compute.googleapis.com", enabled: true },
      { api: "dns.googleapis.com", enabled: false, error: "Error 403: Permission denied to get service [dns.googleapis.com]" },
    ]);
    expect(message).toContain("turned off (dns.googleapis.com)");
    expect(message).toContain("gcloud services enable dns.googleapis.com --project p");
    expect(message).toContain("Permission denied to get service [dns.googleapis.com]");
    expect(message).toContain("roles/serviceusage.serviceUsageViewer");
    expect(apiProblems("p", [{ api: "compute.googleapis.com", enabled: true }])).toBeUndefined();
  });
});
