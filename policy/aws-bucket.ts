import type { PolicyResource } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "./define";
import { shown } from "./facts";
import { relatedResource } from "./stack";

const bucketTypes = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const publicAccessBlock = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const versioningTypes = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"];
const encryptionTypes = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];

export interface PublicAccessBlockProps {
  bucket?: string;
  blockPublicAcls?: boolean;
  blockPublicPolicy?: boolean;
  ignorePublicAcls?: boolean;
  restrictPublicBuckets?: boolean;
}

export interface BucketVersioningProps {
  bucket?: string;
  versioningConfiguration?: { status?: string };
}

export interface BucketEncryptionProps {
  bucket?: string;
  rules?: { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[];
}

/** The deprecated inline settings of aws.s3.Bucket still count when a stack uses them. */
export interface S3BucketProps {
  bucket?: string;
  versioning?: { enabled?: boolean };
  serverSideEncryptionConfiguration?: { rule?: { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } } };
}

const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
const algorithms = ["AES256", "aws:kms", "aws:kms:dsse"];

export const awsS3PublicAccessBlock = resourcePolicy<PublicAccessBlockProps>({
  name: "aws-s3-public-access-block",
  description: "A bucket's public access block turns on all four flags (Checkov CKV2_AWS_6).",
  severity: "critical",
  remediationSteps: `Set ${flags.join(", ")} to true.`,
  types: [publicAccessBlock],
  validate: (props, _args, report) => {
    const off = flags.filter((flag) => props[flag] !== true);
    if (off.length > 0)
      report(
        `${off.join(", ")} ${off.length === 1 ? "is" : "are"} not true; all four must be, so no ACL or policy can make an object public.`,
      );
  },
});

export const awsS3Versioning = resourcePolicy<BucketVersioningProps>({
  name: "aws-s3-versioning",
  description: "Bucket versioning is enabled, so an overwritten or deleted object can be recovered (Checkov CKV_AWS_21).",
  severity: "high",
  remediationSteps: 'Set versioningConfiguration.status to "Enabled".',
  types: versioningTypes,
  validate: (props, _args, report) => {
    const status = props.versioningConfiguration?.status;
    if (status !== "Enabled") report(`versioningConfiguration.status is ${shown(status)}; set it to "Enabled".`);
  },
});

export const awsS3Encryption = resourcePolicy<BucketEncryptionProps>({
  name: "aws-s3-encryption",
  description: "Bucket objects are encrypted at rest by default (Checkov CKV_AWS_19).",
  severity: "high",
  remediationSteps: 'Add a rule with applyServerSideEncryptionByDefault.sseAlgorithm "AES256" or "aws:kms".',
  types: encryptionTypes,
  validate: (props, _args, report) => {
    const used = (props.rules ?? []).map((r) => r.applyServerSideEncryptionByDefault?.sseAlgorithm);
    if (!used.some((a) => a !== undefined && algorithms.includes(a))) {
      report(`no rule sets applyServerSideEncryptionByDefault.sseAlgorithm to ${algorithms.join(", ")} (found ${shown(used)}).`);
    }
  },
});

/** The settings above are separate resources on aws: a bucket without them is public-able and unversioned. */
export const awsS3BucketGuarded = stackPolicy({
  name: "aws-s3-bucket-guarded",
  description: "Every S3 bucket has a public access block, versioning and default encryption (Checkov CKV2_AWS_6, CKV_AWS_21, CKV_AWS_19).",
  severity: "critical",
  remediationSteps:
    "Give the bucket an aws.s3.BucketPublicAccessBlock, an aws.s3.BucketVersioning and an aws.s3.BucketServerSideEncryptionConfiguration.",
  types: [...bucketTypes, publicAccessBlock, ...versioningTypes, ...encryptionTypes],
  validate: (args, report) => {
    const settingsOf = (types: string[]) =>
      args.resources
        .filter((r) => types.includes(r.type))
        .map((r) => relatedResource(r, "bucket", r.props.bucket, args.resources, bucketTypes));
    const blocked = settingsOf([publicAccessBlock]);
    const versioned = settingsOf(versioningTypes);
    const encrypted = settingsOf(encryptionTypes);
    for (const bucket of args.resources.filter((r) => bucketTypes.includes(r.type))) {
      const props = bucket.props as S3BucketProps;
      const missing = [
        has(blocked, bucket) ? undefined : "a public access block",
        has(versioned, bucket) || props.versioning?.enabled === true ? undefined : "versioning",
        has(encrypted, bucket) || props.serverSideEncryptionConfiguration?.rule ? undefined : "default encryption",
      ].filter((m): m is string => m !== undefined);
      if (missing.length > 0) report(`S3 bucket ${bucket.name} is missing ${missing.join(" and ")}.`, bucket.urn);
    }
  },
});

function has(guarded: (PolicyResource | undefined)[], bucket: PolicyResource): boolean {
  return guarded.some((r) => r?.urn === bucket.urn);
}
