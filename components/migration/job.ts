import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { Footprint } from "../footprint";
import { script } from "../node/scripts";
import * as awsObject from "../release/aws";
import * as gcpObject from "../release/gcp";
import { AgentCommand, type BucketRef } from "../rollout";

/** Where the tool waits in the target's bucket: its content names it, so a new portage uploads beside the old. */
export const toolPrefix = "migration/";

/** How long an agent may take to pick a step up (the target's node may still be booting). */
const pickupTimeoutSeconds = 900;

/**
 * The tool as it travels: `portage-migrate` (25 KB, too big for user-data) as an object of the
 * target's bucket, which every node may read, handed to the job on its standard input.
 */
export interface MigrationTool {
  key: string;
  sha256: string;
  object: pulumi.CustomResource;
}

export function uploadTool(name: string, target: Footprint, parent: pulumi.Resource): MigrationTool {
  const content = script("portage-migrate").content;
  const sha256 = createHash("sha256").update(content).digest("hex");
  const key = `${toolPrefix}portage-migrate-${sha256.slice(0, 16)}`;
  const args = { bucket: target.bucket.name, key, body: { text: content }, sha256, contentType: "text/x-shellscript" };
  const opts = { parent };
  const object =
    target.cloud === "aws"
      ? awsObject.createObject(name, args, (target as Footprint<"aws">).providers.handle, opts)
      : gcpObject.createObject(name, args, (target as Footprint<"gcp">).providers.handle, opts);
  return { key, sha256, object };
}

/** The target's bucket as the stack's side of the agent protocol reads and writes it. */
export function bucketRef(target: Footprint): pulumi.Output<BucketRef> {
  return target.bucket.name.apply((bucket): BucketRef =>
    target.cloud === "aws" ? { kind: "s3", bucket, region: target.bucket.region } : { kind: "gcs", bucket },
  );
}

/**
 * The job's command line: the agent runs it as root with node.env only, so it installs the tool it
 * got on its standard input and names the store entry the databases' URLs come from
 * (`PORTAGE_MIGRATE_ENV_SECRET`: the passwords never reach the bucket, the inbox or a command line).
 */
export function stepArgv(envRef: string, command: readonly string[]): string[] {
  const run =
    'install -m 0755 /dev/stdin /usr/local/bin/portage-migrate && PORTAGE_MIGRATE_ENV_SECRET=$1 && export PORTAGE_MIGRATE_ENV_SECRET && shift && exec /usr/local/bin/portage-migrate "$@"';
  return ["sh", "-c", run, "portage-migrate-job", envRef, ...command];
}

export interface MigrationStepArgs {
  bucket: pulumi.Output<BucketRef>;
  /** The agent that runs it: the target's first node (it reaches both databases through the VPN). */
  agent: string;
  tool: MigrationTool;
  /** The store entry with the databases' URLs (`migrationEnvEntry`). */
  envRef: string;
  /** `portage-migrate`'s arguments, e.g. `["replicate"]`. */
  command: string[];
  timeoutSeconds: number;
  /** Anything whose change runs the step again, beside the tool's sha256 and the command. */
  triggers: pulumi.Input<string>[];
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * One `portage-migrate` command on the target's first node, through its agent (no SSH): it runs when
 * it is created and when its triggers change, prints what it did in `pulumi up`'s log, and fails the
 * update with the tool's own message (and exit code: 3 refused, 4 tables differ, 5 timed out).
 */
export function migrationStep(name: string, args: MigrationStepArgs, parent: pulumi.Resource): AgentCommand {
  return new AgentCommand(
    name,
    {
      bucket: args.bucket,
      agent: args.agent,
      argv: stepArgv(args.envRef, args.command),
      user: "root",
      stdinKey: args.tool.key,
      timeoutSeconds: args.timeoutSeconds,
      pickupTimeoutSeconds,
      triggers: pulumi.all([args.tool.sha256, ...args.triggers]),
    },
    { parent, dependsOn: [args.tool.object, ...args.dependsOn] },
  );
}
