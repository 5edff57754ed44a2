import type * as pulumi from "@pulumi/pulumi";
import type { Providers } from "../cloud";
import type { Cloud, CloudSpec, Spec } from "../config";
import type { Network } from "../network";

/** What a cloud's database implementation is built from. */
export interface DatabaseInputs<C extends Cloud = Cloud> {
  spec: Spec;
  /** The cloud the database is built on, as config/ resolved it (tier, primary region). */
  cloud: CloudSpec<C>;
  providers: Providers<C>;
  /** The same cloud's network: its private subnets (aws) or private services range (gcp). */
  network: Network<C>;
}

/** What the component hands an implementation besides its inputs: the credentials it generated. */
export interface DatabaseCredentials {
  user: string;
  /** Secret. */
  password: pulumi.Output<string>;
}

/** What every cloud's database returns. */
export interface DatabaseEndpoint {
  host: pulumi.Output<string>;
  port: pulumi.Output<number>;
}
