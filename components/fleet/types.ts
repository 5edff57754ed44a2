import type * as pulumi from "@pulumi/pulumi";
import type { Bucket } from "../bucket";
import type { OnCloud } from "../cloud/on-cloud";
import type { Cloud, NodeSpec } from "../config";
import type { Network } from "../network";

/** What a cloud's fleet implementation is built from. */
export interface FleetInputs<C extends Cloud = Cloud> extends OnCloud<C> {
  /**
   * The same footprint's network: node subnets and security groups (aws), subnets and network tags (gcp).
   * @example
   * new Fleet("fleet", { spec, cloud, providers, network, bucket })
   */
  network: Network<C>;
  /**
   * The same footprint's bucket: nodes read the releases from it (and only from it).
   * @example
   * new Fleet("fleet", { spec, cloud, providers, network, bucket })
   */
  bucket: Bucket<C>;
}

/** What every cloud's fleet returns for each node. */
export interface CreatedNode {
  spec: NodeSpec;
  privateAddress: pulumi.Output<string>;
  /** The VM resource: for `dependsOn`, and its id re-runs a rollout on a replaced VM. */
  instance: pulumi.CustomResource;
}

/** A node as the stack outputs it: the same shape on every cloud. */
export interface NodeInfo {
  name: string;
  /** The provider's region, e.g. `us-east-1` / `us-east4`. */
  region: string;
  privateAddress: string;
}
