import type * as pulumi from "@pulumi/pulumi";
import type { NetworkArgs } from ".";

// Stub: the aws implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the aws network (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AwsNetworkTransforms {}

export type AwsNetwork = Record<string, never>;

export function createAwsNetwork(_name: string, _args: NetworkArgs, _parent: pulumi.Resource): AwsNetwork {
  throw new Error("aws network is not implemented yet");
}
