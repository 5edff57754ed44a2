import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { CreatedNode } from "../fleet";
import { transform, type Transform } from "../transform";
import type { ClusterDnsInputs } from "./types";

/** Per-resource escape hatches for the gcp dns (see components/transform.ts). */
export interface GcpClusterDnsTransforms {
  zone?: Transform<gcp.dns.ManagedZoneArgs>;
  /** Applied to both records; the callback's `name` says which. */
  record?: Transform<gcp.dns.RecordSetArgs>;
}

/** Cloud DNS takes at most 100 addresses in one record set. */
export const maxAddressesPerName = 100;

/**
 * A private Cloud DNS zone visible on the stack's VPC only, with `nodes.<zone>` (every node's private
 * address; TTL 10 s so discovery follows nodes coming and going) and `edge.<zone>` (every edge's).
 */
export function createClusterDns(
  name: string,
  args: ClusterDnsInputs<"gcp">,
  t: GcpClusterDnsTransforms = {},
  parent: pulumi.Resource,
): pulumi.Resource[] {
  const { spec } = args;
  const network = args.network.handle;
  const opts = { parent, provider: args.providers.handle.provider };

  const zone = new gcp.dns.ManagedZone(
    ...transform(
      t.zone,
      `${name}-zone`,
      {
        description: `portage ${spec.prefix}: cluster discovery (${spec.cluster.nodesName}) and the edge's private name`,
        dnsName: `${spec.cluster.zone}.`,
        visibility: "private",
        privateVisibilityConfig: { networks: [{ networkUrl: network.network.id }] },
      },
      opts,
    ),
  );

  const record = (suffix: string, fqdn: string, rrdatas: pulumi.Input<pulumi.Input<string>[]>) =>
    new gcp.dns.RecordSet(
      ...transform(t.record, `${name}-${suffix}`, { managedZone: zone.name, name: `${fqdn}.`, type: "A", ttl: 10, rrdatas }, opts),
    );
  const nodes = record("nodes", spec.cluster.nodesName, discoveryAddresses(args.fleet.created));
  // Every edge of every region: deploys drain a node on each of them (EDGE_ADMIN_URL names this).
  const edge = record(
    "edge",
    spec.cluster.edgeName,
    args.edge.members.map((e) => e.privateAddress),
  );
  return [zone, nodes, edge];
}

/**
 * The addresses `nodes.<zone>` lists: every node's, up to Cloud DNS's limit of 100. A larger fleet
 * lists 100 nodes taken round-robin over the regions (node 1 of every region, then node 2, ...): a
 * node that reaches any one member joins the whole Erlang cluster, whose connections are transitive.
 */
export function discoveryAddresses(nodes: readonly CreatedNode[]): pulumi.Output<string[]> {
  const chosen = [...nodes]
    .map((node, order) => ({ node, order }))
    .sort((a, b) => a.node.spec.index - b.node.spec.index || a.order - b.order)
    .slice(0, maxAddressesPerName)
    .sort((a, b) => a.order - b.order)
    .map(({ node }) => node.privateAddress);
  return pulumi.all(chosen);
}
