import type * as pulumi from "@pulumi/pulumi";
import type { Providers } from "../cloud";
import type { Cloud, CloudSpec, Spec } from "../config";
import type { Network } from "../network";

/** What a cloud's edge implementation is built from. */
export interface EdgeInputs<C extends Cloud = Cloud> {
  spec: Spec;
  /** The cloud the edge is built on, as config/ resolved it (machine type, primary region). */
  cloud: CloudSpec<C>;
  providers: Providers<C>;
  /** The same cloud's network: the primary region's public subnet (aws) or subnet (gcp), the edge's firewall. */
  network: Network<C>;
}

/** What every cloud's edge returns. */
export interface EdgeAddresses {
  publicAddress: pulumi.Output<string>;
  privateAddress: pulumi.Output<string>;
}
