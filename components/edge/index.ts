import * as pulumi from "@pulumi/pulumi";
import { edgesShareCertificate, type Cloud, type CloudSpec, type EdgeSpec, type RegionSpec, type Spec } from "../config";
import { edgeUserData, type EdgeRuntime } from "../node";
import { edgeSecretEnv, secretRefs } from "../secrets/names";
import { storeLocation } from "../secrets/store";
import * as aws from "./aws";
import * as gcp from "./gcp";
import { sharedCertificateKey } from "./names";
import type { EdgeInputs, EdgeMember, EdgeUserData } from "./types";

export { edgeMemberName, sharedCertificateKey } from "./names";
export type { AwsEdge, AwsEdges, AwsEdgeTransforms } from "./aws";
export type { GcpEdge, GcpEdges, GcpEdgeTransforms } from "./gcp";
export type { EdgeAddresses, EdgeInputs, EdgeMember } from "./types";

/** A region's public entry. */
export interface EdgeEntry {
  /** The provider's region. */
  region: string;
  /** The region as the user wrote it. */
  key: string;
  /** Its balancer's static addresses (one per zone on AWS, one on GCP), or its one edge's. */
  addresses: string[];
  /** Behind the cloud's layer-4 balancer (the region has several edges). */
  balanced: boolean;
}

/** Each cloud's edge handle. */
export interface EdgeHandles {
  aws: aws.AwsEdges;
  gcp: gcp.GcpEdges;
}
export type EdgeOf<C extends Cloud> = EdgeHandles[C];

/** Edits to the raw resources, per cloud (see components/transform.ts). */
export interface EdgeTransforms {
  aws?: aws.AwsEdgeTransforms;
  gcp?: gcp.GcpEdgeTransforms;
}

export interface EdgeArgs<C extends Cloud = Cloud> extends EdgeInputs<C> {
  /**
   * Edits to the raw resources, per cloud: a partial merged over portage's arguments, or a function
   * that edits them in place.
   * @default {}
   * @example
   * { aws: { instance: { monitoring: true } }, gcp: { address: { networkTier: "STANDARD" } } }
   */
  transform?: EdgeTransforms;
}

const build: {
  [C in Cloud]: (
    name: string,
    args: EdgeInputs<C> & { userData: EdgeUserData },
    t: EdgeTransforms[C] | undefined,
    parent: pulumi.Resource,
  ) => EdgeOf<C>;
} = {
  aws: aws.createEdge,
  gcp: gcp.createEdge,
};

/**
 * The edges: one VM in every fleet region's public subnet (regional edges, `cloud.edges`), each with
 * a static public address (Elastic IP / compute.Address) and HAProxy or Traefik (`edge.kind`) in
 * front of every node, its own region's first. The primary region's edge is the SSH bastion and
 * keeps the names a single-edge stack always had. The edges' identity reads only the edge admin
 * password (and, when they share a certificate, that one bucket key). Their user-data does not
 * depend on the node list: routes are pushed and reloaded in place (see release/routes.ts).
 *
 * @example
 * const edge = new Edge("edge", { spec, cloud: cloudSpec(spec, "aws"), providers, network, bucket });
 * edge.url; // https://<edge.domain>, or http://<the primary edge's public address>
 */
export class Edge<C extends Cloud = Cloud> extends pulumi.ComponentResource {
  readonly cloud: C;
  /** The primary region's first edge: the bastion, and the app's address without a domain. */
  readonly publicAddress: pulumi.Output<string>;
  readonly privateAddress: pulumi.Output<string>;
  /** Every edge, region by region (`cloud.edges` order); the first is the one above. */
  readonly members: EdgeMember[];
  /**
   * Where each region's users enter: its balancer's static addresses (several edges), or its one
   * edge's address. What the domain's DNS records point at, region by region.
   */
  readonly entries: pulumi.Output<EdgeEntry[]>;
  /** The primary region's first entry address: the app's address without a domain (PHX_HOST, url). */
  readonly entryAddress: pulumi.Output<string>;
  /** `https://<domain>` when a domain is set, else `http://<public address>`. */
  readonly url: pulumi.Output<string>;
  readonly handle: EdgeOf<C>;

  constructor(name: string, args: EdgeArgs<C>, opts?: pulumi.ComponentResourceOptions) {
    super("portage:edge:Edge", name, {}, opts);
    this.cloud = args.cloud.cloud;
    const shared = edgesShareCertificate(args.spec, args.cloud);
    // Without a shared certificate the user-data is the spec's alone, as a single edge's always was.
    const userData: EdgeUserData = (edge) =>
      shared
        ? args.bucket.name.apply((bucket) => edgeUserData(edgeRuntime(args.spec, args.cloud, { edge, bucket })))
        : edgeUserData(edgeRuntime(args.spec, args.cloud));
    this.handle = build[this.cloud](name, { ...args, userData }, args.transform?.[this.cloud], this);
    this.members = this.handle.members;
    const [first] = this.members;
    if (!first) throw new Error("config/ resolves at least one edge (one per fleet region)");
    this.publicAddress = first.publicAddress;
    this.privateAddress = first.privateAddress;
    const balancers: { region: RegionSpec; publicAddresses: pulumi.Output<string[]> }[] = this.handle.balancers;
    this.entries = pulumi.all(
      args.cloud.regions.map((region) => {
        const balancer = balancers.find((b) => b.region.region === region.region);
        const edges = this.members.filter((m) => m.spec.region.region === region.region);
        const addresses = balancer ? balancer.publicAddresses : pulumi.all(edges.map((e) => e.publicAddress));
        return addresses.apply((list): EdgeEntry => ({ region: region.region, key: region.key, addresses: list, balanced: !!balancer }));
      }),
    );
    this.entryAddress = this.entries.apply((list) => list[0]?.addresses[0] ?? "");
    const domain = args.spec.edge.domain;
    this.url = domain ? pulumi.output(`https://${domain}`) : pulumi.interpolate`http://${this.entryAddress}`;
    this.registerOutputs({ publicAddress: this.publicAddress, url: this.url });
  }
}

/**
 * An edge's on-VM settings, from the spec (and, for edges sharing a certificate, the bucket's name),
 * so an edge VM never depends on other resources.
 */
export function edgeRuntime(spec: Spec, cloud: CloudSpec, sharing?: { edge: EdgeSpec; bucket: string }): EdgeRuntime {
  const store = { provider: cloud.cloud, location: storeLocation(cloud) };
  return {
    provider: cloud.cloud,
    kind: spec.edge.kind,
    admin: { user: spec.access.adminUser, sshPublicKey: spec.access.sshPublicKey },
    app: { name: spec.app.name, ports: spec.app.ports, healthPath: spec.app.healthPath },
    domain: spec.edge.domain,
    acmeEmail: spec.edge.acmeEmail,
    adminPort: spec.edge.adminPort,
    secrets: { ...store, entries: secretRefs({ provider: cloud.cloud, prefix: spec.prefix }, edgeSecretEnv) },
    ...(sharing && edgesShareCertificate(spec, cloud)
      ? { sharedCertificate: { ...store, bucket: sharing.bucket, key: sharedCertificateKey(spec), renewer: sharing.edge.first } }
      : {}),
  };
}
