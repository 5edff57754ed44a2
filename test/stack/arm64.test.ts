import { describe, expect, it } from "vitest";
import { placeholderReleaseFor } from "../../tools/offline/release-fixture";
import { runAws } from "./aws-support";
import { runGcp } from "./gcp-support";

/**
 * Graviton / Axion types boot Ubuntu's arm64 image, x86 types the amd64 one, in one stack (arm64
 * nodes behind an x86 edge); the release check (config) wants the nodes' CPU in the tarball.
 */
const arm64Release = { release: placeholderReleaseFor({ arch: "arm64" }) };

describe("arm64 nodes get the arm64 image, the x86 edge the amd64 one", () => {
  it("aws: t4g nodes, t3 edge", async () => {
    const run = await runAws({ "portage:fleet": { size: "t4g.small" }, "portage:edge": { size: "t3.small" }, "portage:app": arm64Release });
    const lookups = run.invokes.filter((i) => i.token === "aws:ec2/getAmi:getAmi").map((i) => JSON.stringify(i.inputs.filters));
    expect(lookups).toHaveLength(2);
    expect(lookups.filter((f) => f.includes("ubuntu-noble-24.04-arm64-server-*") && f.includes('"values":["arm64"]'))).toHaveLength(1);
    expect(lookups.filter((f) => f.includes("ubuntu-noble-24.04-amd64-server-*") && f.includes('"values":["x86_64"]'))).toHaveLength(1);
  });

  it("gcp: t2a nodes, e2 edge", async () => {
    const run = await runGcp({ "portage:fleet": { size: "t2a-standard-1" }, "portage:app": arm64Release });
    const families = run.invokes.filter((i) => i.token === "gcp:compute/getImage:getImage").map((i) => String(i.inputs.family));
    expect(families.sort()).toEqual(["ubuntu-2404-lts-amd64", "ubuntu-2404-lts-arm64"]);
  });
});
