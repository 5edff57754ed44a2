import type * as pulumi from "@pulumi/pulumi";
import type { NetworkArgs } from ".";

// Stub: the gcp implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the gcp network (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GcpNetworkTransforms {}

export type GcpNetwork = Record<string, never>;

export function createGcpNetwork(_name: string, _args: NetworkArgs, _parent: pulumi.Resource): GcpNetwork {
  throw new Error("gcp network is not implemented yet");
}
