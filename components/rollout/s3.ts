import type { S3Client } from "@aws-sdk/client-s3";
import type { RolloutBucket, WriteCondition } from "./bucket";

export interface S3BucketOptions {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (the local stand-in); unset: AWS. Path-style addressing then. */
  endpoint?: string;
  /** Keys to sign with instead of the SDK's default chain (the local stand-in's operator). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * The stack's S3 bucket through the AWS SDK, with the credentials `pulumi up` has (the SDK's default
 * chain: an OIDC role in CI, a profile on a laptop). Conditional writes: PutObject with If-Match /
 * If-None-Match, answered 412 (PreconditionFailed) when another writer got there first, 409
 * (ConditionalRequestConflict) while a concurrent one is in progress
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 */
export function s3Bucket(options: S3BucketOptions): RolloutBucket {
  // Loaded here, not at the top: the dynamic provider serializes this function, and the SDK must be
  // required by name where it runs, not captured.
  const sdk = require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
  const client: S3Client = new sdk.S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // The agents' objects are small JSON: a checksum header per request is all the SDK needs to add.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = options.bucket;
  const status = (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const conflict = (key: string) => Object.assign(new Error(`${key} changed while it was being updated`), { name: "WriteConflict" });

  return {
    url: `s3://${Bucket}`,
    async read(key) {
      try {
        const out = await client.send(new sdk.GetObjectCommand({ Bucket, Key: key }));
        return { body: (await out.Body?.transformToString("utf-8")) ?? "", tag: out.ETag ?? "" };
      } catch (e) {
        if (status(e) === 404) return undefined;
        throw e;
      }
    },
    async write(key: string, body: string, condition?: WriteCondition) {
      try {
        await client.send(
          new sdk.PutObjectCommand({
            Bucket,
            Key: key,
            Body: body,
            ContentType: "application/json",
            ...(condition && "ifMatch" in condition ? { IfMatch: condition.ifMatch } : {}),
            ...(condition && "ifAbsent" in condition ? { IfNoneMatch: "*" } : {}),
          }),
        );
      } catch (e) {
        if (status(e) === 412 || status(e) === 409) throw conflict(key);
        throw e;
      }
    },
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async remove(keys) {
      // One request per key: DeleteObjects needs a checksum header some S3-compatible stores refuse, and these are few.
      for (const key of keys) await client.send(new sdk.DeleteObjectCommand({ Bucket, Key: key }));
    },
  };
}
