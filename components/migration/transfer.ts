import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { Footprint } from "../footprint";
import { policyDocument } from "../identity/aws";
import { awsNames, gcpNames } from "../names";
import { releasePrefix } from "../release";
import { agentsPrefix } from "../rollout";
import { toolPrefix } from "./job";
import type { LastPassTransfer } from "./last-pass";
import { bucketCopyEveryHours } from "./schedule";

/**
 * What the bucket copy leaves out: what portage keeps in each footprint's bucket for that footprint
 * alone (its releases and pointer, the agents' inboxes and results, the edge's routes and
 * certificate, this tool). Copying the source's `releases/current` or an inbox over the target's
 * would roll the target onto the source's state. The app's own objects are everything else.
 */
export const footprintPrefixes: readonly string[] = [releasePrefix, agentsPrefix, "edge/", toolPrefix];

export interface BucketTransfer {
  /** The job (STS) or task (DataSync) that copies the source bucket into the target's. */
  job: pulumi.CustomResource;
  /** Its IAM: the role or key it reads with, the grants it writes with. */
  access: pulumi.Resource[];
  /** The same job or task as the cutover's last pass runs it once more (last-pass.ts). */
  runOnce: pulumi.Output<LastPassTransfer>;
}

/** The bucket's copy, by direction: each cloud's managed service pulls into its own bucket. */
export function bucketTransfer(
  name: string,
  source: Footprint,
  target: Footprint,
  prefix: string,
  /** false: the schedule is paused (from cutover: the target takes the writes). */
  running: boolean,
  parent: pulumi.Resource,
): BucketTransfer {
  return source.cloud === "aws"
    ? s3ToGcs(name, source as Footprint<"aws">, target as Footprint<"gcp">, prefix, running, parent)
    : gcsToS3(name, source as Footprint<"gcp">, target as Footprint<"aws">, prefix, running, parent);
}

/**
 * AWS -> GCP: a Storage Transfer Service job in the target's project, repeating every hour from its
 * creation until cutover. It reads S3 through an AWS role that Google's per-project transfer service
 * agent assumes with its Google identity (AssumeRoleWithWebIdentity, `accounts.google.com:sub` = the
 * agent's subject id): no AWS key exists anywhere. It writes into the target bucket with the grants
 * the service agent needs there. Objects deleted on the source are not deleted on the target (nothing
 * is deleted before the user asks); changed ones are copied again.
 * https://cloud.google.com/storage-transfer/docs/source-amazon-s3 (federated identity, s3:ListBucket,
 * s3:GetBucketLocation, s3:GetObject), https://cloud.google.com/storage-transfer/docs/sink-cloud-storage
 */
function s3ToGcs(
  name: string,
  source: Footprint<"aws">,
  target: Footprint<"gcp">,
  prefix: string,
  running: boolean,
  parent: pulumi.Resource,
): BucketTransfer {
  const gcpOpts = { parent, provider: target.providers.handle.provider };
  const awsOpts = { parent, provider: source.providers.handle.primary.provider };
  const project = target.providers.handle.project;
  const agent = gcp.storage.getTransferProjectServiceAccountOutput({ project }, gcpOpts);
  const bucketArn = source.bucket.handle.arn;
  const role = new aws.iam.Role(
    `${name}-reader`,
    {
      path: awsNames.iamPath(prefix),
      description: `Google Storage Transfer Service reads ${prefix}'s bucket for its migration to GCP`,
      maxSessionDuration: 3600,
      assumeRolePolicy: agent.subjectId.apply((sub) =>
        policyDocument([
          {
            Effect: "Allow",
            Principal: { Federated: "accounts.google.com" },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { "accounts.google.com:sub": sub } },
          },
        ]),
      ),
      inlinePolicies: [
        {
          name: "read-the-bucket",
          policy: bucketArn.apply((arn) =>
            policyDocument([
              { Sid: "ListAndLocate", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: arn },
              { Sid: "ReadObjects", Effect: "Allow", Action: "s3:GetObject", Resource: `${arn}/*` },
            ]),
          ),
        },
      ],
    },
    awsOpts,
  );
  // The service agent lists, reads (to compare), writes and overwrites objects of the target bucket.
  const sink = ["roles/storage.legacyBucketWriter", "roles/storage.objectViewer"].map(
    (r) =>
      new gcp.storage.BucketIAMMember(
        `${name}-writer-${r.split(".").pop()!.toLowerCase()}`,
        { bucket: target.bucket.name, role: r, member: pulumi.interpolate`serviceAccount:${agent.email}` },
        gcpOpts,
      ),
  );
  const today = new Date();
  const job = new gcp.storage.TransferJob(
    name,
    {
      project,
      description: `portage ${prefix}: the bucket, AWS to GCP, until cutover`.slice(0, 1024),
      transferSpec: {
        awsS3DataSource: { bucketName: source.bucket.name, roleArn: role.arn },
        gcsDataSink: { bucketName: target.bucket.name },
        objectConditions: { excludePrefixes: [...footprintPrefixes] },
        transferOptions: { overwriteWhen: "DIFFERENT", deleteObjectsUniqueInSink: false, deleteObjectsFromSourceAfterTransfer: false },
      },
      // No start time: the first pass runs when the job is created, then every hour.
      schedule: {
        scheduleStartDate: { year: today.getUTCFullYear(), month: today.getUTCMonth() + 1, day: today.getUTCDate() },
        repeatInterval: `${bucketCopyEveryHours.gcp * 3600}s`,
      },
      status: running ? "ENABLED" : "DISABLED",
    },
    // The start date is the day it was created: a later update must not move it.
    { ...gcpOpts, dependsOn: sink, ignoreChanges: ["schedule.scheduleStartDate"] },
  );
  const runOnce = job.name.apply((j): LastPassTransfer => ({ kind: "storage-transfer", project, job: j }));
  return { job, access: [role, ...sink], runOnce };
}

/**
 * GCP -> AWS: an AWS DataSync task in Enhanced mode, agentless, scheduled every 6 hours until cutover.
 * Its source is an object-storage location on storage.googleapis.com (Cloud Storage's XML API, S3
 * compatible) read with an HMAC key of a service account that may only read the source bucket; its
 * destination an S3 location written through a role DataSync assumes (confused deputy guarded by
 * aws:SourceAccount). The HMAC secret is a secret output, stored encrypted in the state.
 * https://docs.aws.amazon.com/datasync/latest/userguide/tutorial_transfer-google-cloud-storage.html,
 * https://docs.aws.amazon.com/datasync/latest/userguide/create-s3-location.html (the role's actions)
 */
function gcsToS3(
  name: string,
  source: Footprint<"gcp">,
  target: Footprint<"aws">,
  prefix: string,
  running: boolean,
  parent: pulumi.Resource,
): BucketTransfer {
  const gcpOpts = { parent, provider: source.providers.handle.provider };
  const awsOpts = { parent, provider: target.providers.handle.primary.provider };
  const reader = new gcp.serviceaccount.Account(
    `${name}-reader`,
    {
      project: source.providers.handle.project,
      accountId: gcpNames.serviceAccountId(prefix, "datasync"),
      displayName: `portage ${prefix} bucket copy to AWS`.slice(0, 100),
      description: `AWS DataSync reads ${prefix}'s bucket with this account's HMAC key during its migration to AWS`,
    },
    gcpOpts,
  );
  const read = ["roles/storage.objectViewer", "roles/storage.legacyBucketReader"].map(
    (r) =>
      new gcp.storage.BucketIAMMember(
        `${name}-reader-${r.split(".").pop()!.toLowerCase()}`,
        { bucket: source.bucket.name, role: r, member: reader.member },
        gcpOpts,
      ),
  );
  const key = new gcp.storage.HmacKey(
    `${name}-key`,
    { serviceAccountEmail: reader.email, project: source.providers.handle.project },
    gcpOpts,
  );
  const from = new aws.datasync.LocationObjectStorage(
    `${name}-from`,
    {
      serverHostname: "storage.googleapis.com",
      serverProtocol: "HTTPS",
      serverPort: 443,
      bucketName: source.bucket.name,
      accessKey: key.accessId,
      secretKey: pulumi.secret(key.secret),
    },
    { ...awsOpts, dependsOn: read, additionalSecretOutputs: ["secretKey"] },
  );
  const caller = aws.getCallerIdentityOutput({}, awsOpts);
  const bucketArn = target.bucket.handle.arn;
  const writer = new aws.iam.Role(
    `${name}-writer`,
    {
      path: awsNames.iamPath(prefix),
      description: `AWS DataSync writes ${prefix}'s bucket for its migration from GCP`,
      assumeRolePolicy: caller.accountId.apply((account) =>
        policyDocument([
          {
            Effect: "Allow",
            Principal: { Service: "datasync.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
        ]),
      ),
      inlinePolicies: [
        {
          name: "write-the-bucket",
          policy: bucketArn.apply((arn) =>
            policyDocument([
              {
                Sid: "Bucket",
                Effect: "Allow",
                Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
                Resource: arn,
              },
              {
                Sid: "Objects",
                Effect: "Allow",
                Action: [
                  "s3:AbortMultipartUpload",
                  "s3:GetObject",
                  "s3:GetObjectTagging",
                  "s3:ListMultipartUploadParts",
                  "s3:PutObject",
                  "s3:PutObjectTagging",
                ],
                Resource: `${arn}/*`,
              },
            ]),
          ),
        },
      ],
    },
    awsOpts,
  );
  const into = new aws.datasync.S3Location(
    `${name}-into`,
    { s3BucketArn: bucketArn, subdirectory: "/", s3Config: { bucketAccessRoleArn: writer.arn } },
    awsOpts,
  );
  const job = new aws.datasync.Task(
    name,
    {
      name: `${prefix} bucket from GCP`,
      sourceLocationArn: from.arn,
      destinationLocationArn: into.arn,
      taskMode: "ENHANCED",
      // Changed objects are copied again; nothing is deleted on the target (PRESERVE).
      // Cloud Storage's XML API has no object tags: copying them fails the task.
      options: {
        transferMode: "CHANGED",
        overwriteMode: "ALWAYS",
        preserveDeletedFiles: "PRESERVE",
        verifyMode: "ONLY_FILES_TRANSFERRED",
        objectTags: "NONE",
      },
      excludes: { filterType: "SIMPLE_PATTERN", value: footprintPrefixes.map((p) => `/${p}*`).join("|") },
      // DataSync runs a schedule at most once an hour.
      schedule: { scheduleExpression: `rate(${bucketCopyEveryHours.aws} hours)`, status: running ? "ENABLED" : "DISABLED" },
    },
    awsOpts,
  );
  const { region } = target.spec.primary;
  const { profile } = target.spec.account;
  const runOnce = job.arn.apply((taskArn): LastPassTransfer => ({ kind: "datasync", region, ...(profile ? { profile } : {}), taskArn }));
  return { job, access: [reader, ...read, key, writer], runOnce };
}
