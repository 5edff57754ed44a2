import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { GcpProviders } from "../cloud";
import type { BucketObjectArgs } from "./object";

/** GCS object in the stack's bucket. */
export function createObject(
  name: string,
  args: BucketObjectArgs,
  providers: GcpProviders,
  opts: pulumi.CustomResourceOptions,
): gcp.storage.BucketObject {
  return new gcp.storage.BucketObject(
    name,
    {
      bucket: args.bucket,
      name: args.key,
      ...("file" in args.body ? { source: new pulumi.asset.FileAsset(args.body.file) } : { content: args.body.text }),
      contentType: args.contentType,
      metadata: { sha256: args.sha256 },
    },
    { ...opts, provider: providers.provider },
  );
}
