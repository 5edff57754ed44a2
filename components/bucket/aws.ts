import type * as pulumi from "@pulumi/pulumi";
import type { BucketArgs } from ".";

// Stub: the aws implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the aws bucket (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AwsBucketTransforms {}

export type AwsBucket = { name: pulumi.Output<string> };

export function createAwsBucket(_name: string, _args: BucketArgs, _parent: pulumi.Resource): AwsBucket {
  throw new Error("aws bucket is not implemented yet");
}
