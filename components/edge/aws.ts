import type * as pulumi from "@pulumi/pulumi";
import type { EdgeArgs, EdgeAddresses } from ".";

// Stub: the aws implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the aws edge (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AwsEdgeTransforms {}

export type AwsEdge = EdgeAddresses;

export function createAwsEdge(_name: string, _args: EdgeArgs & { userData: string }, _parent: pulumi.Resource): AwsEdge {
  throw new Error("aws edge is not implemented yet");
}
