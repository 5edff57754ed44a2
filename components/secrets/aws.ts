import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { transform, type Transform } from "../transform";
import { edgeSecretEnv } from "./names";
import type { SecretsInputs, SecretValue, StoredEntry } from "./types";

/** Per-resource escape hatches for the aws secrets (see components/transform.ts). */
export interface AwsSecretsTransforms {
  /** Called once per entry; the resource name tells which (`secrets-database-url`). */
  parameter?: Transform<aws.ssm.ParameterArgs>;
}

/**
 * One SSM parameter per entry in the primary region, under the stack's path (`/portage/<prefix>/`),
 * which is what the nodes' IAM policy grants. Secret entries are SecureString, encrypted with the
 * account's `aws/ssm` key (its key policy lets the account's principals decrypt through SSM, so the
 * nodes need no KMS grant); PHX_HOST is a plain String.
 */
export function createSecrets(
  name: string,
  args: SecretsInputs<"aws"> & { values: SecretValue[] },
  t: AwsSecretsTransforms = {},
  parent: pulumi.Resource,
): StoredEntry[] {
  const { spec } = args;
  const opts = { provider: args.providers.handle.primary.provider, parent };
  return args.values.map((entry) => {
    const parameter = new aws.ssm.Parameter(
      ...transform(
        t.parameter,
        `${name}-${entry.id ?? entry.env.toLowerCase().replace(/_/g, "-")}`,
        {
          name: entry.ref,
          type: entry.secret ? "SecureString" : "String",
          value: entry.value,
          tier: "Standard",
          description: `${entry.env} of ${spec.prefix}, read by ${(edgeSecretEnv as readonly string[]).includes(entry.env) ? "the edge and the nodes" : "the nodes"} at boot`,
        },
        opts,
      ),
    );
    return { env: entry.env, resources: [parameter], revision: parameter.version.apply(String) };
  });
}
