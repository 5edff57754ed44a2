import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsProviders } from "../cloud";
import type { BucketObjectArgs } from "./object";

/** S3 object in the primary region's bucket. */
export function createObject(
  name: string,
  args: BucketObjectArgs,
  providers: AwsProviders,
  opts: pulumi.CustomResourceOptions,
): aws.s3.BucketObjectv2 {
  return new aws.s3.BucketObjectv2(
    name,
    {
      bucket: args.bucket,
      key: args.key,
      ...("file" in args.body ? { source: new pulumi.asset.FileAsset(args.body.file) } : { content: args.body.text }),
      contentType: args.contentType,
      // sourceHash (not etag) notices new content, and works with KMS-encrypted buckets too.
      sourceHash: args.sha256,
      metadata: { sha256: args.sha256 },
    },
    { ...opts, provider: providers.primary.provider },
  );
}
