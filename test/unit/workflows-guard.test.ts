import { spawnSync } from "node:child_process";
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

  it("with the allow-data-loss label (ALLOW_DATA_LOSS=true, as the workflow sets it from the label) the check passes and still lists what goes", () => {
    const run = guard(replaceDatabase, ["--stack", "prod"], { ALLOW_DATA_LOSS: "true" });
    expect(run.status).toBe(0);
    expect(run.output).toBe("blocked=false\n");
    expect(run.comment).toContain(":warning: This update would destroy data (allowed by the `allow-data-loss` label):");
    expect(run.comment).toContain("| `database-postgres` (aws:rds/instance:Instance) | database | replaced |");
    const workflow = readFileSync(join(root, ".github", "workflows", "pull-request.yml"), "utf8");
    expect(workflow).toContain("ALLOW_DATA_LOSS: ${{ contains(github.event.pull_request.labels.*.name, 'allow-data-loss') }}");
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

  it("--production blocks a loss in a stack whose preview config forgot portage:production", () => {
    expect(guard(switchProvider, ["--stack", "dev"]).status).toBe(0);
    const run = guard(switchProvider, ["--stack", "dev", "--production"]);
    expect(run.status).toBe(1);
    expect(run.output).toBe("blocked=true\n");
  });

  it("a read replica leaving database.replicas is no loss: its primary holds the data (a primary's deletion still is)", () => {
    const gcpDb = (name: string) =>
      `urn:pulumi:prod::portage::portage:database:Database$gcp:sql/databaseInstance:DatabaseInstance::${name}`;
    const type = "gcp:sql/databaseInstance:DatabaseInstance";
    const replica = step("delete", gcpDb("database-london-postgres"), type);
    replica.oldState = { ...replica.oldState, inputs: { masterInstanceName: "database-postgres-1a2b3c4" } };
    const doc = { config: { "portage:provider": "gcp", "portage:production": "true" }, steps: [replica] };
    expect(judge(doc, { stack: "prod" })).toMatchObject({ findings: [], blocked: false });
    const primary = step("delete", gcpDb("database-postgres"), type);
    expect(judge({ ...doc, steps: [replica, primary] }, { stack: "prod" }).findings.map((f) => f.name)).toEqual(["database-postgres"]);
  });

  it("passes updates and creations: nothing listed, the check green", () => {
    const newNode = step("create", nodeUrn.replace("virginia-1", "virginia-2"), "aws:ec2/instance:Instance");
    const newBucket = step("create", bucketUrn.replace("::bucket", "::bucket-logs"), "aws:s3/bucket:Bucket");
    const calm = { ...replaceDatabase, steps: [...(replaceDatabase.steps?.slice(0, 2) ?? []), newNode, newBucket] };
    expect(calm.steps.map((s) => s.op)).toEqual(["same", "update", "create", "create"]);
    const verdict = judge(calm, { stack: "prod" });
    expect(verdict.findings).toEqual([]);
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
    const run = guard(replaceDatabase, ["--stack", "prod"], { ALLOW_DATA_LOSS: "false" });
    expect(run.status).toBe(1);
    expect(run.output).toBe("blocked=true\n");
    expect(run.comment).toContain("`database-postgres`");
  });
});

/** tools/ci/guard.ts run as the workflow's step runs it: the preview file, GITHUB_OUTPUT, the label's variable. */
function guard(doc: PreviewDocument, args: string[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "guard-"));
  writeFileSync(join(dir, "preview.json"), JSON.stringify(doc, null, 2));
  writeFileSync(join(dir, "out"), "");
  const run = spawnSync(
    process.execPath,
    [
      join(root, "node_modules", "tsx", "dist", "cli.mjs"),
      join(root, "tools", "ci", "guard.ts"),
      ...args,
      "--preview",
      join(dir, "preview.json"),
      "--markdown",
      join(dir, "guard.md"),
    ],
    { env: { ...process.env, GITHUB_OUTPUT: join(dir, "out"), ALLOW_DATA_LOSS: "false", ...env }, encoding: "utf8" },
  );
  return { status: run.status, output: readFileSync(join(dir, "out"), "utf8"), comment: readFileSync(join(dir, "guard.md"), "utf8") };
}
