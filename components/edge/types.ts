import type * as pulumi from "@pulumi/pulumi";
import type { OnCloud } from "../cloud/on-cloud";
import type { Bucket } from "../bucket";
import type { Cloud, EdgeSpec } from "../config";
import type { Network } from "../network";

/** What a cloud's edge implementation is built from: `cloud.edges` says which edges, where. */
export interface EdgeInputs<C extends Cloud = Cloud> extends OnCloud<C> {
  /**
   * The same footprint's network: each edge sits in its region's public subnet (aws) or subnet (gcp),
   * behind the edges' firewall rules.
   * @example
   * new Edge("edge", { spec, cloud, providers, network, bucket })
   */
  network: Network<C>;
  /**
   * The same footprint's bucket: edges sharing a certificate keep it there (one key, readable and
   * writable by the edges only).
   * @example
   * new Edge("edge", { spec, cloud, providers, network, bucket })
   */
  bucket: Bucket<C>;
}

/** An edge's user-data: the same for every edge unless they share a certificate (then it names the bucket). */
export type EdgeUserData = (edge: EdgeSpec) => pulumi.Input<string>;

/** One edge as the other components use it. */
export interface EdgeMember extends EdgeAddresses {
  spec: EdgeSpec;
}

/** What every cloud's edge returns. */
export interface EdgeAddresses {
  publicAddress: pulumi.Output<string>;
  privateAddress: pulumi.Output<string>;
}
