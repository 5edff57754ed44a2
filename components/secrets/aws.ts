import type * as pulumi from "@pulumi/pulumi";
import type { SecretsArgs, SecretValue } from ".";

// Stub: the aws implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the aws secrets (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AwsSecretsTransforms {}

export function createAwsSecrets(_name: string, _args: SecretsArgs & { values: SecretValue[] }, _parent: pulumi.Resource): pulumi.Resource[] {
  throw new Error("aws secrets is not implemented yet");
}
