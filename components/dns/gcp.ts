import type * as pulumi from "@pulumi/pulumi";
import type { ClusterDnsArgs } from ".";

// Stub: the gcp implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the gcp dns (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GcpClusterDnsTransforms {}

export function createGcpClusterDns(_name: string, _args: ClusterDnsArgs, _parent: pulumi.Resource): pulumi.Resource[] {
  throw new Error("gcp dns is not implemented yet");
}
