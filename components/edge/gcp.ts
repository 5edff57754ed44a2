import type * as pulumi from "@pulumi/pulumi";
import type { EdgeArgs, EdgeAddresses } from ".";

// Stub: the gcp implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the gcp edge (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GcpEdgeTransforms {}

export type GcpEdge = EdgeAddresses;

export function createGcpEdge(_name: string, _args: EdgeArgs & { userData: string }, _parent: pulumi.Resource): GcpEdge {
  throw new Error("gcp edge is not implemented yet");
}
