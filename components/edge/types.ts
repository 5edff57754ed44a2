import type * as pulumi from "@pulumi/pulumi";
import type { OnCloud } from "../cloud/on-cloud";
import type { Cloud } from "../config";
import type { Bucket } from "../bucket";
import type { Network } from "../network";

/** What a cloud's edge implementation is built from. */
export interface EdgeInputs<C extends Cloud = Cloud> extends OnCloud<C> {
  /**
   * The same footprint's network: the edge sits in the primary region's public subnet (aws) or subnet
   * (gcp), behind the edge's firewall rules.
   * @example
   * new Edge("edge", { spec, cloud, providers, network })
   */
  network: Network<C>;
  /**
   * The same footprint's bucket: the edge's agent reads its work there and writes its results.
   * @example
   * new Edge("edge", { spec, cloud, providers, network, bucket })
   */
  bucket: Bucket<C>;
}

/** What every cloud's edge returns. */
export interface EdgeAddresses {
  publicAddress: pulumi.Output<string>;
  privateAddress: pulumi.Output<string>;
}
