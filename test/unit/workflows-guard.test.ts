import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findLosses, judge, markdown, readPreview, type PreviewDocument, type PreviewStep } from "../../tools/ci/preview-guard";

const root = join(__dirname, "..", "..");
const stackUrn = "urn:pulumi:prod::portage::pulumi:pulumi:Stack::portage-prod";
const awsProvider =
  "urn:pulumi:prod::portage::portage:cloud:Cloud$pulumi:providers:aws::cloud-aws-virginia::04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const dbUrn = "urn:pulumi:prod::portage::portage:database:Database$aws:rds/instance:Instance::database-postgres";
const bucketUrn = "urn:pulumi:prod::portage::portage:bucket:Bucket$aws:s3/bucket:Bucket::bucket";
const nodeUrn = "urn:pulumi:prod::portage::portage:fleet:Fleet$aws:ec2/instance:Instance::fleet-virginia-1";

/** A step as `pulumi preview --json` prints it, with the resource's state where the op has one. */
function step(op: string, urn: string, type: string, extra: Partial<PreviewStep> = {}): PreviewStep {
  const state = { urn, custom: true, type, inputs: {}, outputs: {}, parent: stackUrn, provider: awsProvider, protect: true };
  return {
    op,
    urn,
    provider: awsProvider,
    ...(op === "create" || op === "create-replacement" ? {} : { oldState: state }),
    ...(op === "delete" || op === "delete-replaced" ? {} : { newState: state }),
    ...extra,
  };
}

/** prod renames its database (RDS replaces it) and updates a node's tags. */
const replaceDatabase: PreviewDocument = {
  config: { "aws:region": "us-east-1", "portage:provider": "aws", "portage:production": "true", "portage:app": '{"version":"0.3.0"}' },
  steps: [
    step("same", stackUrn, "pulumi:pulumi:Stack"),
    step("update", nodeUrn, "aws:ec2/instance:Instance", {
      diffReasons: ["tags"],
      detailedDiff: { "tags.team": { kind: "add", inputDiff: true } },
    }),
    ...["create-replacement", "replace", "delete-replaced"].map((op) =>
      step(op, dbUrn, "aws:rds/instance:Instance", {
        diffReasons: ["dbName"],
        replaceReasons: ["dbName"],
        detailedDiff: { dbName: { kind: "update-replace", inputDiff: true } },
      }),
    ),
  ],
  changeSummary: { same: 150, update: 1, replace: 1 },
};

/** The stack switched to gcp: the aws bucket would be deleted, a gcp one created. */
const switchProvider: PreviewDocument = {
  config: { "portage:provider": "gcp", "portage:production": "false" },
  steps: [
    step("create", "urn:pulumi:dev::portage::portage:bucket:Bucket$gcp:storage/bucket:Bucket::bucket", "gcp:storage/bucket:Bucket"),
    step("delete", bucketUrn.replace("prod", "dev"), "aws:s3/bucket:Bucket"),
    step("delete", nodeUrn.replace("prod", "dev"), "aws:ec2/instance:Instance"),
  ],
};

describe("the preview's data-safety check", () => {
  it("names a replaced database once, with the property that forces it", () => {
    expect(findLosses(replaceDatabase)).toEqual([
      {
        name: "database-postgres",
        urn: dbUrn,
        type: "aws:rds/instance:Instance",
        kind: "database",
        action: "replaced",
        reason: "`dbName` changed, which the cloud can only apply by creating a new one",
      },
    ]);
  });

  it("fails a production stack, and says so in the comment section", () => {
    const verdict = judge(replaceDatabase, { stack: "prod" });
    expect(verdict).toMatchObject({ production: true, blocked: true });
    const text = markdown(verdict);
    expect(text).toContain(":x: This update would destroy data (this fails the check in a production stack):");
    expect(text).toContain(
      "| `database-postgres` (aws:rds/instance:Instance) | database | replaced | `dbName` changed, which the cloud can only apply by creating a new one |",
    );
    expect(text).toContain("a maintainer adds the `allow-data-loss` label");
  });

  it("lets the allow-data-loss label through, still listing what goes", () => {
    const verdict = judge(replaceDatabase, { stack: "prod", allowDataLoss: true });
    expect(verdict.blocked).toBe(false);
    expect(markdown(verdict, true)).toContain(":warning: This update would destroy data (allowed by the `allow-data-loss` label):");
  });

  it("explains a deletion by the provider switch, and only warns on a dev stack", () => {
    const verdict = judge(switchProvider, { stack: "dev" });
    expect(verdict.findings).toEqual([
      expect.objectContaining({
        name: "bucket",
        kind: "bucket",
        action: "deleted",
        reason: "portage:provider is now gcp, so the aws resource would be deleted (it is protected: pulumi up would stop there)",
      }),
    ]);
    expect(verdict.blocked).toBe(false);
    expect(markdown(verdict)).toContain(":warning: This update would destroy data (allowed: this is not a production stack):");
  });

  it("--production overrides the preview's config (a stack that forgot portage:production)", () => {
    expect(judge(switchProvider, { stack: "dev", production: true }).blocked).toBe(true);
  });

  it("passes updates and creations", () => {
    const calm = { ...replaceDatabase, steps: replaceDatabase.steps?.slice(0, 2) };
    const verdict = judge(calm, { stack: "prod" });
    expect(verdict.blocked).toBe(false);
    expect(markdown(verdict)).toContain(":white_check_mark: No database, bucket or disk would be replaced or deleted.");
  });

  it("fails when there is no preview to read, and shows a failed preview's errors", () => {
    expect(readPreview("error: could not load plugin")).toBeUndefined();
    expect(judge(undefined, { stack: "prod" }).blocked).toBe(true);
    const failed: PreviewDocument = {
      config: {},
      steps: [],
      diagnostics: [{ urn: stackUrn, severity: "error", message: "portage:provider changed from aws to gcp: this would delete ..." }],
    };
    expect(markdown(judge(failed, { stack: "prod" }))).toContain(
      "```\nportage:provider changed from aws to gcp: this would delete ...\n```",
    );
  });

  it("runs as the workflow runs it: exit 1 and blocked=true for a production loss", () => {
    const dir = mkdtempSync(join(tmpdir(), "guard-"));
    writeFileSync(join(dir, "preview.json"), JSON.stringify(replaceDatabase, null, 2));
    writeFileSync(join(dir, "out"), "");
    const run = () =>
      execFileSync(
        process.execPath,
        [
          join(root, "node_modules", "tsx", "dist", "cli.mjs"),
          join(root, "tools", "ci", "guard.ts"),
          "--stack",
          "prod",
          "--preview",
          join(dir, "preview.json"),
          "--markdown",
          join(dir, "guard.md"),
        ],
        {
          env: { ...process.env, GITHUB_OUTPUT: join(dir, "out"), ALLOW_DATA_LOSS: "false" },
          encoding: "utf8",
        },
      );
    expect(run).toThrow(expect.objectContaining({ status: 1 }));
    expect(readFileSync(join(dir, "out"), "utf8")).toBe("blocked=true\n");
    expect(readFileSync(join(dir, "guard.md"), "utf8")).toContain("`database-postgres`");
  });
});
