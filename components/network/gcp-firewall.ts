import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { acmePort, edgesShareCertificate, type CloudSpec, type Spec } from "../config";
import { transform } from "../transform";
import type { GcpNetworkTransforms } from "./gcp-types";

interface FirewallInputs {
  spec: Spec;
  cloud: CloudSpec<"gcp">;
  network: gcp.compute.Network;
  edgeTag: string;
  nodeTag: string;
  transform: GcpNetworkTransforms;
}

/**
 * Every way in, each rule described. A custom VPC denies all ingress by default (implied rule), so
 * these allows are the whole list; nothing is open to the internet but 80/443 on the edge.
 */
export function createFirewall(name: string, args: FirewallInputs, opts: pulumi.CustomResourceOptions): gcp.compute.Firewall[] {
  const { spec, edgeTag, nodeTag } = args;
  const [blue, green] = spec.app.ports;
  const [distMin, distMax] = spec.cluster.distributionPorts;
  const privateServices = args.cloud.addresses.privateServices;
  // IPv4 only, like the subnets: config/admin-ranges.ts refuses IPv6 admin ranges.
  const adminRanges = spec.access.adminCidrs;

  const rules: Array<[string, Omit<gcp.compute.FirewallArgs, "network">]> = [
    [
      "edge-web",
      {
        description: "HTTP and HTTPS from anywhere to the edge: the app's public entry (the only rule open to the internet)",
        direction: "INGRESS",
        sourceRanges: ["0.0.0.0/0"],
        targetTags: [edgeTag],
        allows: [{ protocol: "tcp", ports: ["80", "443"] }],
      },
    ],
    [
      "edge-ssh",
      {
        description: "SSH to the edge from portage:access.adminCidrs only: the operator's bastion for rollouts and ops",
        direction: "INGRESS",
        sourceRanges: adminRanges,
        targetTags: [edgeTag],
        allows: [{ protocol: "tcp", ports: ["22"] }],
      },
    ],
    [
      "edge-admin",
      {
        description: `The edge's private admin API (port ${spec.edge.adminPort}) from the nodes only: deploys drain and re-enable servers through it`,
        direction: "INGRESS",
        sourceTags: [nodeTag],
        targetTags: [edgeTag],
        allows: [{ protocol: "tcp", ports: [String(spec.edge.adminPort)] }],
      },
    ],
    [
      "node-app",
      {
        description: `The app's blue and green ports (${blue}, ${green}) from the edge only: traffic and health checks`,
        direction: "INGRESS",
        sourceTags: [edgeTag],
        targetTags: [nodeTag],
        allows: [{ protocol: "tcp", ports: [String(blue), String(green)] }],
      },
    ],
    [
      "node-ssh",
      {
        description: "SSH to the nodes from the edge only: the edge is the bastion, nodes have no public address",
        direction: "INGRESS",
        sourceTags: [edgeTag],
        targetTags: [nodeTag],
        allows: [{ protocol: "tcp", ports: ["22"] }],
      },
    ],
    [
      "node-cluster",
      {
        description: `Erlang clustering between nodes only: epmd (${spec.cluster.epmdPort}) and the distribution range ${distMin}-${distMax}`,
        direction: "INGRESS",
        sourceTags: [nodeTag],
        targetTags: [nodeTag],
        allows: [{ protocol: "tcp", ports: [String(spec.cluster.epmdPort), `${distMin}-${distMax}`] }],
      },
    ],
    [
      "edge-no-postgres",
      {
        // Cloud SQL sits behind a peering where this VPC's ingress rules do not apply; so the edge
        // is stopped on its way out. Nodes keep the implied egress allow.
        description: `No Postgres from the edge: denies ${spec.database.port} to Cloud SQL's private range ${privateServices.cidr}, so only nodes reach the database`,
        direction: "EGRESS",
        destinationRanges: [privateServices.cidr],
        targetTags: [edgeTag],
        // Default priority 1000: a deny wins over an allow of the same priority.
        denies: [{ protocol: "tcp", ports: [String(spec.database.port)] }],
      },
    ],
  ];
  if (edgesShareCertificate(spec, args.cloud)) {
    rules.push([
      "edge-acme",
      {
        description: `ACME HTTP-01 (port ${acmePort}) between edges: the shared certificate's renewer answers the challenges that reach the other edges`,
        direction: "INGRESS",
        sourceTags: [edgeTag],
        targetTags: [edgeTag],
        allows: [{ protocol: "tcp", ports: [String(acmePort)] }],
      },
    ]);
  }
  return rules.map(
    ([suffix, ruleArgs]) =>
      new gcp.compute.Firewall(...transform(args.transform.firewall, `${name}-${suffix}`, { network: args.network.id, ...ruleArgs }, opts)),
  );
}
