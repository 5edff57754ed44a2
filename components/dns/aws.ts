import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { transform, type Transform } from "../transform";
import type { ClusterDnsInputs } from "./types";

/** Per-resource escape hatches for the aws dns (see components/transform.ts). */
export interface AwsClusterDnsTransforms {
  zone?: Transform<aws.route53.ZoneArgs>;
  zoneAssociation?: Transform<aws.route53.ZoneAssociationArgs>;
  record?: Transform<aws.route53.RecordArgs>;
}

/** Seconds a resolver may cache the node list: short, so a replaced node is found quickly. */
export const nodesTtl = 10;
export const edgeTtl = 60;
/**
 * Route 53 counts each value of an updated record twice against its 1,000 values per change, so one
 * record holds 500 at most. Past that, `nodes.<zone>` lists a stable subset (the first nodes of every
 * region): enough to join, since Erlang distribution connects a joining node to the whole cluster.
 */
export const maxRecordAddresses = 400;

/**
 * A Route 53 private hosted zone (`cluster.zone`) associated with every region's VPC: the primary's at
 * creation, the others by one association each (so adding a region only adds one), with
 * `nodes.<zone>` (every node's private address, for cluster discovery) and `edge.<zone>` (every edge's,
 * in every region: deploys drain a node on each of them).
 */
export function createClusterDns(
  name: string,
  args: ClusterDnsInputs<"aws">,
  t: AwsClusterDnsTransforms = {},
  parent: pulumi.Resource,
): pulumi.Resource[] {
  const { spec } = args;
  const net = args.network.handle;
  const primary = net.primary;
  const opts = { provider: args.providers.handle.primary.provider, parent };

  const zone = new aws.route53.Zone(
    ...transform(
      t.zone,
      `${name}-zone`,
      {
        name: spec.cluster.zone,
        comment: `portage ${spec.prefix}: private names of the nodes and the edge`,
        vpcs: [{ vpcId: primary.vpc.id, vpcRegion: primary.region.region }],
      },
      // The other regions' VPCs are attached by ZoneAssociation resources, which this must not undo.
      { ...opts, ignoreChanges: ["vpcs"] },
    ),
  );
  const associations = net.regions
    .filter((r) => !r.region.primary)
    .map(
      (r) =>
        new aws.route53.ZoneAssociation(
          ...transform(
            t.zoneAssociation,
            `${name}-zone-${r.region.key}`,
            { zoneId: zone.zoneId, vpcId: r.vpc.id, vpcRegion: r.region.region },
            { provider: r.provider, parent },
          ),
        ),
    );

  const addresses = pulumi
    .all(
      args.fleet.created.map((n) => n.privateAddress.apply((address) => ({ region: n.spec.region.region, index: n.spec.index, address }))),
    )
    .apply(recordAddresses);
  const nodes = new aws.route53.Record(
    ...transform(
      t.record,
      `${name}-nodes`,
      { zoneId: zone.zoneId, name: spec.cluster.nodesName, type: "A", ttl: nodesTtl, records: addresses },
      opts,
    ),
  );
  const edge = new aws.route53.Record(
    ...transform(
      t.record,
      `${name}-edge`,
      {
        zoneId: zone.zoneId,
        name: spec.cluster.edgeName,
        type: "A",
        ttl: edgeTtl,
        records: args.edge.members.map((e) => e.privateAddress),
      },
      opts,
    ),
  );
  return [zone, ...associations, nodes, edge];
}

/**
 * The addresses `nodes.<zone>` lists: every node, sorted; beyond `maxRecordAddresses`, the same number
 * of the lowest-indexed nodes of each region (nodes added later never displace them).
 */
export function recordAddresses(nodes: { region: string; index: number; address: string }[]): string[] {
  const regions = new Set(nodes.map((n) => n.region)).size;
  const perRegion = nodes.length > maxRecordAddresses ? Math.floor(maxRecordAddresses / Math.max(regions, 1)) : Infinity;
  return nodes
    .filter((n) => n.index < perRegion)
    .map((n) => n.address)
    .sort();
}
