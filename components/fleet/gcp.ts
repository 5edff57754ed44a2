import type * as pulumi from "@pulumi/pulumi";
import type { FleetArgs, CreatedNode } from ".";
import type { NodeSpec } from "../config";
// Stub: the gcp implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the gcp fleet (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GcpFleetTransforms {}

export type GcpFleet = { nodes: CreatedNode[] };

export function createGcpFleet(_name: string, _args: FleetArgs & { userData: (node: NodeSpec) => pulumi.Output<string> }, _parent: pulumi.Resource): GcpFleet {
  throw new Error("gcp fleet is not implemented yet");
}
