import type * as pulumi from "@pulumi/pulumi";
import type { DatabaseArgs, DatabaseEndpoint } from ".";

// Stub: the gcp implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the gcp database (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GcpDatabaseTransforms {}

export type GcpDatabase = DatabaseEndpoint;

export function createGcpDatabase(_name: string, _args: DatabaseArgs & { password: pulumi.Output<string> }, _parent: pulumi.Resource): GcpDatabase {
  throw new Error("gcp database is not implemented yet");
}
