import * as pulumi from "@pulumi/pulumi";
import type { Bucket } from "../bucket";
import type { Cloud } from "../cloud";
import type { NodeSpec, Spec } from "../config";
import type { Network } from "../network";
import { nodeUserData, type NodeRuntime } from "../node";
import { secretRefs } from "../secrets/names";
import { createAwsFleet, type AwsFleet, type AwsFleetTransforms } from "./aws";
import { createGcpFleet, type GcpFleet, type GcpFleetTransforms } from "./gcp";

export interface FleetArgs {
  spec: Spec;
  cloud: Cloud;
  network: Network;
  bucket: Bucket;
  transform?: { aws?: AwsFleetTransforms; gcp?: GcpFleetTransforms };
}

/** A node as the stack outputs it: the same shape on both providers. */
export interface NodeInfo {
  name: string;
  /** The provider's region, e.g. `us-east-1` / `us-east4`. */
  region: string;
  privateAddress: string;
}

/** What the provider implementations return for each node. */
export interface CreatedNode {
  spec: NodeSpec;
  privateAddress: pulumi.Output<string>;
  /** The VM resource: for `dependsOn`, and its id re-runs a rollout on a replaced VM. */
  instance: pulumi.CustomResource;
}

/**
 * `fleet.nodesPerRegion` nodes in each region, private addresses only, spread over the region's
 * zones, on Ubuntu 24.04 LTS (amd64). Each node has its own least-privilege identity that reads the
 * bucket and the stack's secrets, nothing more. Its user-data is the same for every version of the
 * app: releases roll out by commands (see release/), so a new version never replaces or reboots it.
 */
export class Fleet extends pulumi.ComponentResource {
  readonly nodes: pulumi.Output<NodeInfo[]>;
  readonly created: CreatedNode[];
  readonly aws?: AwsFleet;
  readonly gcp?: GcpFleet;

  constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("portage:fleet:Fleet", name, {}, opts);
    const userData = (node: NodeSpec) => args.bucket.name.apply((bucket) => nodeUserData(nodeRuntime(args.spec, node, bucket)));
    if (args.spec.provider === "aws") {
      this.aws = createAwsFleet(name, { ...args, userData }, this);
      this.created = this.aws.nodes;
    } else {
      this.gcp = createGcpFleet(name, { ...args, userData }, this);
      this.created = this.gcp.nodes;
    }
    this.nodes = pulumi.all(
      this.created.map((n) =>
        n.privateAddress.apply((privateAddress): NodeInfo => ({ name: n.spec.name, region: n.spec.region.region, privateAddress })),
      ),
    );
    this.registerOutputs({ nodes: this.nodes });
  }
}

/** A node's on-VM settings: from the spec and the bucket's name only, never the app version. */
export function nodeRuntime(spec: Spec, node: NodeSpec, bucket: string): NodeRuntime {
  const primary = spec.fleet.regions.find((r) => r.primary)?.region ?? node.region.region;
  const location = spec.provider === "aws" ? primary : (spec.gcp.project ?? "");
  return {
    provider: spec.provider,
    app: { name: spec.app.name, ports: spec.app.ports, healthPath: spec.app.healthPath },
    node: { name: node.name },
    admin: { user: spec.access.adminUser, sshPublicKey: spec.access.sshPublicKey },
    secrets: { provider: spec.provider, location, entries: secretRefs(spec) },
    releases: { provider: spec.provider, location, bucket, prefix: "releases/", region: primary },
    cluster: { nodesName: spec.cluster.nodesName, epmdPort: spec.cluster.epmdPort, distributionPorts: spec.cluster.distributionPorts },
    edge: { kind: spec.edge.kind, adminUrl: `http://${spec.cluster.edgeName}:${spec.edge.adminPort}` },
    deploy: { healthTimeoutSeconds: spec.rollout.healthTimeoutSeconds },
  };
}
