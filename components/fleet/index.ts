import * as pulumi from "@pulumi/pulumi";
import type { Cloud, CloudSpec, NodeSpec, Spec } from "../config";
import { databaseCaSource } from "../database/ca";
import { nodeUserData, type NodeRuntime } from "../node";
import { replicaSecretRef, secretRef, secretRefs, type SecretRef } from "../secrets/names";
import { storeLocation } from "../secrets/store";
import * as aws from "./aws";
import * as gcp from "./gcp";
import type { CreatedNode, FleetInputs, NodeInfo } from "./types";

export type { AwsFleet, AwsFleetTransforms, AwsNode } from "./aws";
export type { GcpFleet, GcpFleetTransforms, GcpNode } from "./gcp";
export type { CreatedNode, FleetInputs, NodeInfo } from "./types";

/** Each cloud's fleet handle. */
export interface FleetHandles {
  aws: aws.AwsFleet;
  gcp: gcp.GcpFleet;
}
export type FleetOf<C extends Cloud> = FleetHandles[C];

/** Edits to the raw resources, per cloud (see components/transform.ts); each applies to every node. */
export interface FleetTransforms {
  aws?: aws.AwsFleetTransforms;
  gcp?: gcp.GcpFleetTransforms;
}

export interface FleetArgs<C extends Cloud = Cloud> extends FleetInputs<C> {
  /**
   * Edits to the raw resources, per cloud: a partial merged over portage's arguments, or a function
   * that edits them in place; the callback's `name` tells the node (`fleet-virginia-2`).
   * @default {}
   * @example
   * { aws: { instance: (args, _opts, name) => { if (name === "fleet-virginia-2") args.monitoring = true; } } }
   */
  transform?: FleetTransforms;
}

type UserData = (node: NodeSpec) => pulumi.Output<string>;

const build: {
  [C in Cloud]: (
    name: string,
    args: FleetInputs<C> & { userData: UserData },
    t: FleetTransforms[C] | undefined,
    parent: pulumi.Resource,
  ) => FleetOf<C>;
} = {
  aws: aws.createFleet,
  gcp: gcp.createFleet,
};

/**
 * `fleet.nodesPerRegion` nodes in each region, private addresses only, spread over the region's
 * zones, on Ubuntu 24.04 LTS (amd64). Each node has its own least-privilege identity that reads the
 * bucket and the stack's secrets and writes its own results (`agents/results/<node>/`), nothing more.
 * Its user-data is the same for every version of the app and every app setting: releases and
 * settings reach the node's agent through the bucket (see rollout/), never by replacing the VM.
 *
 * @example
 * const fleet = new Fleet("fleet", { spec, cloud: cloudSpec(spec, "aws"), providers, network, bucket });
 * fleet.nodes; // [{ name: "virginia-1", region: "us-east-1", privateAddress: "10.100.64.12" }, ...]
 */
export class Fleet<C extends Cloud = Cloud> extends pulumi.ComponentResource {
  readonly cloud: C;
  readonly nodes: pulumi.Output<NodeInfo[]>;
  readonly created: CreatedNode[];
  readonly handle: FleetOf<C>;

  constructor(name: string, args: FleetArgs<C>, opts?: pulumi.ComponentResourceOptions) {
    super("portage:fleet:Fleet", name, {}, opts);
    this.cloud = args.cloud.cloud;
    const userData = (node: NodeSpec) => args.bucket.name.apply((bucket) => nodeUserData(nodeRuntime(args.spec, args.cloud, node, bucket)));
    this.handle = build[this.cloud](name, { ...args, userData }, args.transform?.[this.cloud], this);
    this.created = this.handle.nodes;
    this.nodes = pulumi.all(
      this.created.map((n) =>
        n.privateAddress.apply((privateAddress): NodeInfo => ({ name: n.spec.name, region: n.spec.region.region, privateAddress })),
      ),
    );
    this.registerOutputs({ nodes: this.nodes });
  }
}

/** A node's on-VM settings: from the spec and the bucket's name only, never the app version. */
export function nodeRuntime(spec: Spec, cloud: CloudSpec, node: NodeSpec, bucket: string): NodeRuntime {
  const location = storeLocation(cloud);
  return {
    provider: cloud.cloud,
    app: { name: spec.app.name, ports: spec.app.ports, healthPath: spec.app.healthPath },
    node: { name: node.name },
    admin: { user: spec.access.adminUser, sshPublicKey: spec.access.sshPublicKey },
    secrets: { provider: cloud.cloud, location, entries: nodeSecretRefs(spec, cloud, node) },
    releases: { provider: cloud.cloud, location, bucket, prefix: "releases/", region: cloud.primary.region },
    cluster: { nodesName: spec.cluster.nodesName, epmdPort: spec.cluster.epmdPort, distributionPorts: spec.cluster.distributionPorts },
    edge: { kind: spec.edge.kind, adminUrl: `http://${spec.cluster.edgeName}:${spec.edge.adminPort}` },
    deploy: { healthTimeoutSeconds: spec.rollout.healthTimeoutSeconds },
    // Deploys and jobs come through the bucket (components/rollout); the poll interval through the inbox.
    agent: {},
    appSettings: {
      env: secretRef({ provider: cloud.cloud, prefix: spec.prefix }, "APP_ENV").ref,
      secrets: secretRef({ provider: cloud.cloud, prefix: spec.prefix }, "APP_SECRETS").ref,
    },
    databaseCa: databaseCaSource(cloud, node),
  };
}

/**
 * The store entries a node reads: the stack's, and in a region with a read replica (database.replicas)
 * that replica's URL as DATABASE_REPLICA_URL. Nodes elsewhere have no DATABASE_REPLICA_URL: the app
 * reads the primary (README, "Read replicas").
 */
export function nodeSecretRefs(spec: Spec, cloud: CloudSpec, node: NodeSpec): SecretRef[] {
  const store = { provider: cloud.cloud, prefix: spec.prefix };
  const replica = cloud.database.replicas.some((r) => r.region === node.region.region);
  return [...secretRefs(store), ...(replica ? [replicaSecretRef(store, node.region.key)] : [])];
}
