import type * as pulumi from "@pulumi/pulumi";
import type { DatabaseArgs, DatabaseEndpoint } from ".";

// Stub: the aws implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the aws database (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AwsDatabaseTransforms {}

export type AwsDatabase = DatabaseEndpoint;

export function createAwsDatabase(_name: string, _args: DatabaseArgs & { password: pulumi.Output<string> }, _parent: pulumi.Resource): AwsDatabase {
  throw new Error("aws database is not implemented yet");
}
