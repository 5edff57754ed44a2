import type * as pulumi from "@pulumi/pulumi";
import type { OnCloud } from "../cloud/on-cloud";
import type { Cloud } from "../config";
import type { StoreEnv } from "./names";

/** What a cloud's secret store implementation is built from. */
export interface SecretsInputs<C extends Cloud = Cloud> extends OnCloud<C> {
  /**
   * DATABASE_URL, secret: the same footprint's database.
   * @example
   * { databaseUrl: database.url }
   */
  databaseUrl: pulumi.Input<string>;
  /**
   * The host the app answers to, PHX_HOST: the edge's domain, or its public address.
   * @example
   * { host: spec.edge.domain || edge.publicAddress }
   */
  host: pulumi.Input<string>;
  /**
   * Each read replica's URL (secret) by its region's key as written: stored per region, read by
   * that region's nodes as DATABASE_REPLICA_URL.
   * @default []
   * @example
   * { replicas: database.replicas.map((r) => ({ region: r.region.key, url: r.url })) }
   */
  replicas?: { region: string; url: pulumi.Input<string> }[];
}

/** One entry for an implementation to store. */
export interface SecretValue {
  env: StoreEnv;
  /** aws: SSM parameter name; gcp: secret id (components/names). */
  ref: string;
  value: pulumi.Output<string>;
  /** False for the few values that are not secret (PHX_HOST, APP_ENV): stored the same way, but not marked secret. */
  secret: boolean;
  /** Names the entry's resources when one env has several entries (a replica per region); default: the env's. */
  id?: string;
}

/** An entry as stored: its resources, and what changes whenever its value does (never the value). */
export interface StoredEntry {
  env: StoreEnv;
  resources: pulumi.Resource[];
  /** aws: the SSM parameter's version; gcp: the secret version's name. */
  revision: pulumi.Output<string>;
}
