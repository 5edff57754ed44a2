import { describe, expect, it } from "vitest";
import {
  awsNames,
  clusterZone,
  databaseUser,
  dnsNameProblem,
  gcpNames,
  nameProblem,
  rfc1035Name,
  rules,
  secretName,
  stackPrefix,
  stackTags,
  type NameRule,
} from "../../components/names";

/** Stack names Pulumi accepts ([A-Za-z0-9_.-], up to 100) and app names config/ accepts, at their most awkward. */
const stacks = ["dev", "prod", "Feature.Branch-2026.Team_Web.UPPER.Case1", "-lead", "trail-", "a..b", "1st", "_x_", "S".repeat(100)];
const apps = ["hello", "a", "xn_", "sthree", "amzn_s3_demo_app", "hello_", "a_thirty_character_release_nam"];
const each = (f: (prefix: string, app: string, stack: string) => void) => {
  for (const app of apps) for (const stack of stacks) f(stackPrefix(app, stack), app, stack);
};
const valid = (rule: NameRule, name: string) => expect(nameProblem(rule, name), `${rule.what} ${name}`).toBeUndefined();

describe("names of the stack", () => {
  it("the prefix is <app>-<stack>, lowercase, underscores of the app as dashes", () => {
    expect(stackPrefix("hello", "dev")).toBe("hello-dev");
    expect(stackPrefix("my_app", "Feature.X")).toBe("my-app-feature.x");
  });

  it("the private zone is <stack>.<app>.internal for ordinary names, unchanged for existing stacks", () => {
    expect(clusterZone("hello", "dev")).toBe("dev.hello.internal");
    expect(clusterZone("my_app", "Feature.X")).toBe("feature-x.my-app.internal");
  });

  it("the private zone is a valid DNS name for every stack name Pulumi takes (long, dotted, leading or trailing dashes)", () => {
    each((_prefix, app, stack) => expect(dnsNameProblem(clusterZone(app, stack)), `${app} ${stack}`).toBeUndefined());
    expect(clusterZone("hello", "S".repeat(100)).split(".")[0]).toHaveLength(63);
  });
});

describe("aws names", () => {
  it("tags take the prefix as it is (AWS tag values allow dots and underscores)", () => {
    expect(stackTags({ prefix: "hello-feature.x_y", production: true }, "aws")).toEqual({
      "portage-stack": "hello-feature.x_y",
      "portage-production": "true",
    });
  });

  it("Network Load Balancer and target group names: <prefix>-<region>[-<port>], within 32, never internal-", () => {
    expect(awsNames.balancerName("hello-prod", "virginia")).toBe("hello-prod-virginia");
    expect(awsNames.balancerName("hello-prod", "london-443")).toBe("hello-prod-london-443");
    expect(awsNames.balancerName("internal-prod", "virginia")).toBe("p-internal-prod-virginia");
    for (const region of ["virginia", "sao-paulo", "ap-southeast-1", "johannesburg"])
      each((prefix) => valid(rules.elbName, awsNames.balancerName(prefix, `${region}-443`)));
  });

  it("SSM parameters live under /portage/<prefix>/", () => {
    expect(secretName("hello-dev", "aws", "DATABASE_URL")).toBe("/portage/hello-dev/DATABASE_URL");
    each((prefix) => valid(rules.ssmParameterName, secretName(prefix, "aws", "EDGE_ADMIN_PASSWORD")));
  });

  it("the bucket prefix keeps today's form, and never starts with a prefix S3 reserves", () => {
    expect(awsNames.bucketPrefix("hello-dev")).toBe("hello-dev-");
    expect(awsNames.bucketPrefix("hello-feature.x")).toBe("hello-feature-x-");
    expect(awsNames.bucketPrefix("xn--dev")).toBe("p-xn--dev-");
    expect(awsNames.bucketPrefix("sthree-dev")).toBe("p-sthree-dev-");
    each((prefix) => valid(rules.s3BucketPrefix, awsNames.bucketPrefix(prefix)));
  });

  it("the final snapshot identifier is letters, digits and single hyphens, starting with a letter", () => {
    expect(awsNames.finalSnapshotIdentifier("hello-prod")).toBe("hello-prod-final");
    each((prefix) => valid(rules.rdsSnapshotIdentifier, awsNames.finalSnapshotIdentifier(prefix)));
  });

  it("the master user is the app name up to RDS's 16 characters, else cut with a stable hash", () => {
    expect(databaseUser("hello", "aws")).toBe("hello");
    expect(databaseUser("sixteen_chars_ok", "aws")).toBe("sixteen_chars_ok");
    const long = databaseUser("a_thirty_character_release_nam", "aws");
    expect(long).toMatch(/^a_thirty__[0-9a-f]{6}$/);
    expect(databaseUser("a_thirty_character_release_nam", "aws")).toBe(long);
    expect(databaseUser("a_thirty_character_release_xyz", "aws")).not.toBe(long);
    for (const app of apps) valid(rules.rdsMasterUsername, databaseUser(app, "aws"));
  });

  it("IAM paths carry the prefix in IAM's characters", () => {
    expect(awsNames.iamPath("hello-dev")).toBe("/portage/hello-dev/");
    each((prefix) => valid(rules.iamPath, awsNames.iamPath(prefix)));
  });
});

describe("gcp names", () => {
  it("labels are lowercase letters, digits, _ and -, at most 63: dots become dashes, long ones are cut with a hash", () => {
    expect(stackTags({ prefix: "hello-dev", production: false }, "gcp")).toEqual({
      "portage-stack": "hello-dev",
      "portage-production": "false",
    });
    expect(gcpNames.labelValue("hello-feature.x_y")).toBe("hello-feature-x_y");
    const long = gcpNames.labelValue("x".repeat(80));
    expect(long).toHaveLength(63);
    expect(gcpNames.labelValue("x".repeat(81))).not.toBe(long);
    each((prefix) => valid(rules.gcpLabelValue, gcpNames.labelValue(prefix)));
  });

  it("secret ids are <prefix>-<env>, in Secret Manager's characters", () => {
    expect(secretName("hello-dev", "gcp", "DATABASE_URL")).toBe("hello-dev-database-url");
    expect(secretName("hello-feature.x", "gcp", "PHX_HOST")).toBe("hello-feature-x-phx-host");
    each((prefix) => valid(rules.secretManagerId, secretName(prefix, "gcp", "EDGE_ADMIN_PASSWORD")));
  });

  it.each([
    ["hello-dev", "edge", "hello-dev-edge"],
    ["hello-dev", "virginia-1", "hello-dev-virginia-1"],
    ["hello-prod", "sao-paulo-12", "hello-prod-sao-paulo-12"],
  ])("%s + %s: short service account ids are kept as they are (%s)", (prefix, suffix, id) => {
    expect(gcpNames.serviceAccountId(prefix, suffix)).toBe(id);
  });

  it("long service account ids are cut to 30 characters with a hash, valid, stable and still distinct", () => {
    const prefix = "a-thirty-character-release-name-production";
    const ids = ["northamerica-northeast1-1", "northamerica-northeast1-2", "northamerica-northeast1-100", "edge"].map((s) =>
      gcpNames.serviceAccountId(prefix, s),
    );
    for (const id of ids) valid(rules.gcpServiceAccountId, id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(gcpNames.serviceAccountId(prefix, "edge")).toBe(ids[3]);
    each((p) => valid(rules.gcpServiceAccountId, gcpNames.serviceAccountId(p, "virginia-100")));
  });

  it("ids too short for gcp are lengthened, never refused", () => {
    valid(rules.gcpServiceAccountId, gcpNames.serviceAccountId("a-b", "c"));
  });

  it("characters gcp refuses (stack names may hold dots and underscores) become dashes; a leading digit gets a letter", () => {
    expect(rfc1035Name("Hello_App.stage--1", 63)).toBe("hello-app-stage-1");
    expect(rfc1035Name("1st-stack", 63)).toBe("p-1st-stack");
    for (const text of ["Hello_App.stage--1", "1st-stack", "-x-", "a".repeat(80)]) valid(rules.gcpResourceName, rfc1035Name(text, 63));
  });

  it("network tags are <prefix>-edge and <prefix>-node, within 63 characters", () => {
    expect(gcpNames.networkTag("hello-dev", "edge")).toBe("hello-dev-edge");
    expect(gcpNames.networkTag("hello-dev", "node")).toBe("hello-dev-node");
    each((prefix) => valid(rules.gcpResourceName, gcpNames.networkTag(prefix, "node")));
  });

  it("database users keep the app name (Postgres roles take every app name)", () => {
    for (const app of apps) {
      expect(databaseUser(app, "gcp")).toBe(app);
      valid(rules.postgresIdentifier, app);
    }
  });
});
