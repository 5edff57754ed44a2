import type * as pulumi from "@pulumi/pulumi";
import type { SecretsArgs, SecretValue } from ".";

// Stub: the gcp implementation is being written; the portable contract is in index.ts.

/** Per-resource escape hatches for the gcp secrets (see components/transform.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GcpSecretsTransforms {}

export function createGcpSecrets(_name: string, _args: SecretsArgs & { values: SecretValue[] }, _parent: pulumi.Resource): pulumi.Resource[] {
  throw new Error("gcp secrets is not implemented yet");
}
