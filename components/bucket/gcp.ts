import type * as pulumi from "@pulumi/pulumi";
import type { BucketArgs } from ".";

// Stub: the gcp implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the gcp bucket (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GcpBucketTransforms {}

export type GcpBucket = { name: pulumi.Output<string> };

export function createGcpBucket(_name: string, _args: BucketArgs, _parent: pulumi.Resource): GcpBucket {
  throw new Error("gcp bucket is not implemented yet");
}
