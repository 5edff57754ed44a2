import { describe, expect, it } from "vitest";
import { gcpNames, rfc1035Name } from "../../components/names";

const { networkTag, serviceAccountId } = gcpNames;
const shortName = rfc1035Name;

const serviceAccountIdPattern = /^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/;
const rfc1035 = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;

describe("gcp names derived from the stack", () => {
  it.each([
    ["hello-dev", "edge", "hello-dev-edge"],
    ["hello-dev", "virginia-1", "hello-dev-virginia-1"],
    ["hello-prod", "sao-paulo-12", "hello-prod-sao-paulo-12"],
  ])("%s + %s: short ids are kept as they are (%s)", (prefix, suffix, id) => {
    expect(serviceAccountId(prefix, suffix)).toBe(id);
  });

  it("long names are cut to 30 characters with a hash, valid, stable and still distinct", () => {
    const prefix = "a-thirty-character-release-name-production";
    const ids = ["northamerica-northeast1-1", "northamerica-northeast1-2", "northamerica-northeast1-100", "edge"].map((s) =>
      serviceAccountId(prefix, s),
    );
    for (const id of ids) {
      expect(id).toMatch(serviceAccountIdPattern);
      expect(id.length).toBeLessThanOrEqual(30);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(serviceAccountId(prefix, "edge")).toBe(ids[3]);
  });

  it("ids too short for gcp are lengthened, never refused", () => {
    expect(serviceAccountId("a-b", "c")).toMatch(serviceAccountIdPattern);
  });

  it("characters gcp refuses (stack names may hold dots and underscores) become dashes; a leading digit gets a letter", () => {
    expect(shortName("Hello_App.stage--1", 63)).toBe("hello-app-stage-1");
    expect(shortName("1st-stack", 63)).toMatch(/^p-1st-stack$/);
    for (const text of ["Hello_App.stage--1", "1st-stack", "-x-", "a".repeat(80)]) expect(shortName(text, 63)).toMatch(rfc1035);
  });

  it("network tags are <prefix>-edge and <prefix>-node, within 63 characters", () => {
    expect(networkTag("hello-dev", "edge")).toBe("hello-dev-edge");
    expect(networkTag("hello-dev", "node")).toBe("hello-dev-node");
    const long = networkTag("x".repeat(70), "node");
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(rfc1035);
  });
});
