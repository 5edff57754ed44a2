import type * as pulumi from "@pulumi/pulumi";
import type { Providers } from "../cloud";
import type { Cloud, CloudSpec, Spec } from "../config";
import type { SecretEnv } from "./names";

/** What a cloud's secret store implementation is built from. */
export interface SecretsInputs<C extends Cloud = Cloud> {
  spec: Spec;
  /** The cloud the secrets are stored on, as config/ resolved it. */
  cloud: CloudSpec<C>;
  providers: Providers<C>;
  /** DATABASE_URL (secret): the same footprint's database. */
  databaseUrl: pulumi.Input<string>;
  /** The host the app answers to (the edge domain, or its public address): PHX_HOST. */
  host: pulumi.Input<string>;
}

/** One entry for an implementation to store. */
export interface SecretValue {
  env: SecretEnv;
  /** aws: SSM parameter name; gcp: secret id (components/names). */
  ref: string;
  value: pulumi.Output<string>;
  /** False for the few values that are not secret (PHX_HOST): stored the same way, but not marked secret. */
  secret: boolean;
}
