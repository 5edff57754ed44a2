import type * as pulumi from "@pulumi/pulumi";
import type { FleetArgs, CreatedNode } from ".";
import type { NodeSpec } from "../config";
// Stub: the aws implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the aws fleet (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AwsFleetTransforms {}

export type AwsFleet = { nodes: CreatedNode[] };

export function createAwsFleet(_name: string, _args: FleetArgs & { userData: (node: NodeSpec) => pulumi.Output<string> }, _parent: pulumi.Resource): AwsFleet {
  throw new Error("aws fleet is not implemented yet");
}
