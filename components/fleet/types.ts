import type * as pulumi from "@pulumi/pulumi";
import type { Bucket } from "../bucket";
import type { Providers } from "../cloud";
import type { Cloud, CloudSpec, NodeSpec, Spec } from "../config";
import type { Network } from "../network";

/** What a cloud's fleet implementation is built from. */
export interface FleetInputs<C extends Cloud = Cloud> {
  spec: Spec;
  /** The cloud the fleet is built on, as config/ resolved it (nodes, regions, machine type). */
  cloud: CloudSpec<C>;
  providers: Providers<C>;
  /** The same cloud's network: node subnets and security groups (aws), subnets and tags (gcp). */
  network: Network<C>;
  /** The same cloud's bucket: the nodes read releases from it. */
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
