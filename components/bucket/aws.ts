import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsNames } from "../names";
import { transform, type Transform } from "../transform";
import { keptWhileLeaving, type BucketInputs, type BucketName } from "./types";

/** Per-resource escape hatches for the aws bucket (see components/transform.ts). */
export interface AwsBucketTransforms {
  bucket?: Transform<aws.s3.BucketArgs>;
  publicAccessBlock?: Transform<aws.s3.BucketPublicAccessBlockArgs>;
  ownership?: Transform<aws.s3.BucketOwnershipControlsArgs>;
  versioning?: Transform<aws.s3.BucketVersioningArgs>;
  /** e.g. `{ rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId } }] }` */
  encryption?: Transform<aws.s3.BucketServerSideEncryptionConfigurationArgs>;
  policy?: Transform<aws.s3.BucketPolicyArgs>;
}

export interface AwsBucket extends BucketName {
  arn: pulumi.Output<string>;
  bucket: aws.s3.Bucket;
}

/**
 * A private S3 bucket in the primary region: public access blocked (all four flags), ACLs off
 * (bucket owner enforced), versioned when `bucket.versioning`, encrypted with SSE-S3, TLS-only.
 * SSE-S3 rather than SSE-KMS: same AES-256 at rest with no per-request KMS charge and no key grant
 * to every node; access is decided by the IAM policies. Use `transform.aws.encryption` for a KMS key.
 */
export function createBucket(name: string, args: BucketInputs<"aws">, t: AwsBucketTransforms = {}, parent: pulumi.Resource): AwsBucket {
  const { spec } = args;
  // Production: `pulumi destroy` cannot delete the bucket or its settings until unprotected. Leaving:
  // the stack lets go of it, and a production bucket stays in S3 with its settings (retainOnDelete).
  const opts: pulumi.CustomResourceOptions = {
    provider: args.providers.handle.primary.provider,
    parent,
    ...keptWhileLeaving(spec.production, args.leaving),
  };
  const bucket = new aws.s3.Bucket(
    ...transform(
      t.bucket,
      name,
      {
        // Bucket names are global: the prefix says whose it is, AWS appends a unique suffix.
        bucketPrefix: awsNames.bucketPrefix(spec.prefix),
        // A dev stack can be torn down with its releases inside; production keeps its objects.
        forceDestroy: !spec.production,
        tags: { Name: awsNames.nameTag(spec.prefix, "bucket"), "portage-role": "bucket" },
      },
      opts,
    ),
  );
  const dependent = { ...opts, dependsOn: [bucket] };
  const block = new aws.s3.BucketPublicAccessBlock(
    ...transform(
      t.publicAccessBlock,
      `${name}-public-access`,
      { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      dependent,
    ),
  );
  new aws.s3.BucketOwnershipControls(
    ...transform(t.ownership, `${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, dependent),
  );
  new aws.s3.BucketVersioning(
    ...transform(
      t.versioning,
      `${name}-versioning`,
      // "Suspended", not "Disabled": a bucket that was versioned can only be suspended.
      { bucket: bucket.id, versioningConfiguration: { status: spec.bucket.versioning ? "Enabled" : "Suspended" } },
      dependent,
    ),
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    ...transform(
      t.encryption,
      `${name}-encryption`,
      // Refuse SSE-C uploads: objects encrypted with a customer key the nodes never see would be unreadable.
      { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] }] },
      dependent,
    ),
  );
  new aws.s3.BucketPolicy(
    ...transform(
      t.policy,
      `${name}-tls-only`,
      { bucket: bucket.id, policy: bucket.arn.apply(tlsOnlyPolicy) },
      // After the public access block: a policy put first could briefly count as public.
      { ...opts, dependsOn: [block] },
    ),
  );
  return { name: bucket.bucket, arn: bucket.arn, bucket };
}

/** Denies every request that does not use TLS (AWS Security Hub S3.5). */
export function tlsOnlyPolicy(arn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyPlainHttp",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });
}
