import type * as pulumi from "@pulumi/pulumi";
import type { ClusterDnsArgs } from ".";

// Stub: the aws implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the aws dns (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AwsClusterDnsTransforms {}

export function createAwsClusterDns(_name: string, _args: ClusterDnsArgs, _parent: pulumi.Resource): pulumi.Resource[] {
  throw new Error("aws dns is not implemented yet");
}
