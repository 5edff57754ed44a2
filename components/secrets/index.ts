import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Cloud } from "../config";
import * as aws from "./aws";
import * as gcp from "./gcp";
import { replicaSecretRef, secretRef } from "./names";
import { settingsEntry } from "../node/app-env";
import type { SecretsInputs, SecretValue, StoredEntry } from "./types";

export type { AwsSecretsTransforms } from "./aws";
export type { GcpSecretsTransforms } from "./gcp";
export type { SecretsInputs, SecretValue } from "./types";

/** Edits to the raw resources, per cloud (see components/transform.ts). */
export interface SecretsTransforms {
  aws?: aws.AwsSecretsTransforms;
  gcp?: gcp.GcpSecretsTransforms;
}

const secretsType = "portage:secrets:Secrets";

/** The values the stack generates for itself (secret): the same wherever the app runs. */
export interface GeneratedSecrets {
  secretKeyBase: pulumi.Output<string>;
  releaseCookie: pulumi.Output<string>;
  edgeAdminPassword: pulumi.Output<string>;
}

export interface SecretsArgs<C extends Cloud = Cloud> extends SecretsInputs<C> {
  /**
   * Values another footprint of the stack generated, used instead of generating new ones: a footprint
   * built beside the serving one (a migration target) shares its SECRET_KEY_BASE and Erlang cookie, so
   * sessions and signed tokens stay valid when traffic moves.
   * @default generated here
   * @example
   * { reuse: serving.secrets.generated }
   */
  reuse?: GeneratedSecrets;
  /**
   * Names of Secrets components (top-level) whose generated values this one takes over when they are
   * gone: a migration's target becomes the serving footprint while the source's values (sessions,
   * the cluster's cookie) must stay, and Pulumi matches a resource by its name before its aliases.
   * @default none
   * @example
   * { adopt: ["aws-secrets"] }
   */
  adopt?: string[];
  /**
   * Edits to the raw resources, per cloud: a partial merged over portage's arguments, or a function
   * that edits them in place; the callback's `name` tells the entry (`secrets-database-url`).
   * @default {}
   * @example
   * { aws: { parameter: { tier: "Advanced" } } }
   */
  transform?: SecretsTransforms;
}

const build: {
  [C in Cloud]: (
    name: string,
    args: SecretsInputs<C> & { values: SecretValue[] },
    t: SecretsTransforms[C] | undefined,
    parent: pulumi.Resource,
  ) => StoredEntry[];
} = {
  aws: aws.createSecrets,
  gcp: gcp.createSecrets,
};

/**
 * The app's runtime secrets, generated here (Erlang cookie, SECRET_KEY_BASE, the edge admin password),
 * plus DATABASE_URL, PHX_HOST and the app's own settings and secrets (APP_ENV, APP_SECRETS), stored in the cloud's secret store (SSM Parameter Store
 * SecureString / Secret Manager) under names derived from the stack (components/names). Nodes read
 * them at boot into a 0600 env file; nothing else carries them.
 *
 * @example
 * const secrets = new Secrets("secrets", { spec, cloud, providers, databaseUrl: database.url, host: edge.publicAddress });
 */
export class Secrets<C extends Cloud = Cloud> extends pulumi.ComponentResource {
  readonly cloud: C;
  /** The stored entries' resources, for `dependsOn` (a rollout needs them in place). */
  readonly stored: pulumi.Resource[];
  /** What this footprint's secrets hold that the stack generated (to share with another footprint). */
  readonly generated: GeneratedSecrets;
  /**
   * Changes whenever `portage:app.env` or `portage:app.secrets` changes, and never shows a value:
   * the entries' versions. A rollout's `settings`: a change restarts the fleet on its release.
   */
  readonly settingsRevision: pulumi.Output<string>;

  constructor(name: string, args: SecretsArgs<C>, opts?: pulumi.ComponentResourceOptions) {
    super(secretsType, name, {}, opts);
    const { spec } = args;
    this.cloud = args.cloud.cloud;
    const store = { provider: this.cloud, prefix: spec.prefix };
    // The same value under another Secrets component's name, when that one has left the stack.
    const adopted = (id: string) =>
      (args.adopt ?? []).map((other) => ({ name: `${other}-${id}`, parent: pulumi.createUrn(other, secretsType) }));
    const generated = (id: string, length: number) =>
      pulumi.secret(new random.RandomPassword(`${name}-${id}`, { length, special: false }, { parent: this, aliases: adopted(id) }).result);

    this.generated = args.reuse ?? {
      secretKeyBase: generated("secret-key-base", 64),
      releaseCookie: generated("release-cookie", 40),
      edgeAdminPassword: generated("edge-admin-password", 32),
    };
    const values: SecretValue[] = [
      { ...secretRef(store, "DATABASE_URL"), value: pulumi.secret(args.databaseUrl), secret: true },
      { ...secretRef(store, "SECRET_KEY_BASE"), value: this.generated.secretKeyBase, secret: true },
      { ...secretRef(store, "RELEASE_COOKIE"), value: this.generated.releaseCookie, secret: true },
      { ...secretRef(store, "EDGE_ADMIN_PASSWORD"), value: this.generated.edgeAdminPassword, secret: true },
      { ...secretRef(store, "PHX_HOST"), value: pulumi.output(args.host), secret: false },
      { ...secretRef(store, "APP_ENV"), value: pulumi.output(settingsEntry(spec.app.env)), secret: false },
      { ...secretRef(store, "APP_SECRETS"), value: pulumi.secret(settingsEntry(spec.app.secrets)), secret: true },
      ...(args.replicas ?? []).map((r) => ({
        ...replicaSecretRef(store, r.region),
        id: `database-replica-url-${r.region}`,
        value: pulumi.secret(r.url),
        secret: true,
      })),
    ];
    const entries = build[this.cloud](name, { ...args, values }, args.transform?.[this.cloud], this);
    this.stored = entries.flatMap((e) => e.resources);
    const revision = (env: string) => entries.find((e) => e.env === env)?.revision ?? pulumi.output("");
    this.settingsRevision = pulumi.interpolate`${revision("APP_ENV")} ${revision("APP_SECRETS")}`;
    this.registerOutputs({});
  }
}
