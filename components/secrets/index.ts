import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Cloud } from "../cloud";
import type { Spec } from "../config";
import type { Database } from "../database";
import { createAwsSecrets, type AwsSecretsTransforms } from "./aws";
import { createGcpSecrets, type GcpSecretsTransforms } from "./gcp";
import { secretRef, type SecretEnv } from "./names";

export interface SecretsArgs {
  spec: Spec;
  cloud: Cloud;
  database: Database;
  /** The host the app answers to (the edge domain, or its public address): PHX_HOST. */
  host: pulumi.Input<string>;
  transform?: { aws?: AwsSecretsTransforms; gcp?: GcpSecretsTransforms };
}

/** One entry for the provider implementations to store. */
export interface SecretValue {
  env: SecretEnv;
  /** aws: SSM parameter name; gcp: secret id. */
  ref: string;
  value: pulumi.Output<string>;
  /** False for the few values that are not secret (PHX_HOST): stored the same way, but not marked secret. */
  secret: boolean;
}

/**
 * The app's runtime secrets, generated here (Erlang cookie, SECRET_KEY_BASE, the edge admin password),
 * plus DATABASE_URL and PHX_HOST, stored in the provider's secret store (SSM Parameter Store
 * SecureString / Secret Manager) under names derived from the stack (see names.ts). Nodes read them
 * at boot into a 0600 env file; nothing else carries them.
 */
export class Secrets extends pulumi.ComponentResource {
  /** The stored entries' resources, for `dependsOn` (a rollout needs them in place). */
  readonly stored: pulumi.Resource[];

  constructor(name: string, args: SecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("portage:secrets:Secrets", name, {}, opts);
    const { spec } = args;
    const generated = (id: string, length: number) =>
      pulumi.secret(new random.RandomPassword(`${name}-${id}`, { length, special: false }, { parent: this }).result);

    const values: SecretValue[] = [
      { ...secretRef(spec, "DATABASE_URL"), value: args.database.url, secret: true },
      { ...secretRef(spec, "SECRET_KEY_BASE"), value: generated("secret-key-base", 64), secret: true },
      { ...secretRef(spec, "RELEASE_COOKIE"), value: generated("release-cookie", 40), secret: true },
      { ...secretRef(spec, "EDGE_ADMIN_PASSWORD"), value: generated("edge-admin-password", 32), secret: true },
      { ...secretRef(spec, "PHX_HOST"), value: pulumi.output(args.host), secret: false },
    ];
    this.stored =
      spec.provider === "aws" ? createAwsSecrets(name, { ...args, values }, this) : createGcpSecrets(name, { ...args, values }, this);
    this.registerOutputs({});
  }
}
