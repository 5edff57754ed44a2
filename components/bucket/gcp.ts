import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { transform, type Transform } from "../transform";
import { keptWhileLeaving, type BucketInputs, type BucketName } from "./types";

/** Per-resource escape hatches for the gcp bucket (see components/transform.ts). */
export interface GcpBucketTransforms {
  bucket?: Transform<gcp.storage.BucketArgs>;
}

export interface GcpBucket extends BucketName {
  bucket: gcp.storage.Bucket;
}

/**
 * A GCS bucket in the primary region: public access prevention enforced, uniform bucket-level access
 * (IAM only, no object ACLs), versioned as configured. Encrypted at rest with Google-managed keys;
 * no CMEK by default: a Cloud KMS key ring can never be deleted, so every dev stack would leave one
 * behind, and it protects against nothing the bucket's IAM does not. Set `encryption` through the
 * transform when a compliance regime asks for your own key.
 */
export function createBucket(name: string, args: BucketInputs<"gcp">, t: GcpBucketTransforms = {}, parent: pulumi.Resource): GcpBucket {
  const { spec } = args;
  const region = args.cloud.primary.region;
  const bucket = new gcp.storage.Bucket(
    ...transform(
      t.bucket,
      name,
      {
        location: region.toUpperCase(),
        storageClass: "STANDARD",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: spec.bucket.versioning },
        // Dev stacks tear down with their objects; production keeps them (and is protected).
        forceDestroy: !spec.production,
        labels: { "portage-role": "bucket" },
      },
      { parent, provider: args.providers.handle.provider, ...keptWhileLeaving(spec.production, args.leaving) },
    ),
  );
  return { bucket, name: bucket.name };
}
