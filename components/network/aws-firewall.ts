import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { Spec } from "../config";
import { awsNames } from "../names";
import { transform } from "../transform";
import type { AwsNetworkTransforms } from "./aws-types";
import type { AwsRegionVpc } from "./aws-types";

export interface AwsSecurityGroups {
  edge: aws.ec2.SecurityGroup;
  database: aws.ec2.SecurityGroup;
  /** By provider region. */
  nodes: Map<string, aws.ec2.SecurityGroup>;
  /** The egress rules of the edge's group, and of each region's node group: what a first boot needs. */
  egress: { edge: aws.vpc.SecurityGroupEgressRule[]; nodes: Map<string, aws.vpc.SecurityGroupEgressRule[]> };
}

/** Who is on the other side of a rule: a group in the same VPC, or a range in a peered region. */
type Peer = { group: aws.ec2.SecurityGroup; label: string } | { cidr: string; label: string };
interface Rule {
  id: string;
  protocol: "tcp" | "udp";
  ports: readonly [number, number];
  peer: Peer;
  description: string;
}
interface Group {
  sg: aws.ec2.SecurityGroup;
  label: string;
  provider: aws.Provider;
  parent: pulumi.Resource;
}

const anyone = (label = "anyone"): Peer => ({ cidr: "0.0.0.0/0", label });

/**
 * Security groups and their rules, one resource per rule (each described). Security groups cannot be
 * referenced across regions, so rules towards another region name its node range (node subnets hold
 * nodes only) or the primary's public and database subnets. Egress is explicit (AWS's default
 * allow-all egress is removed by the provider): what each role needs, nothing more.
 */
export function createFirewall(
  name: string,
  spec: Spec,
  primary: AwsRegionVpc,
  regions: AwsRegionVpc[],
  parent: pulumi.Resource,
  t: AwsNetworkTransforms,
): AwsSecurityGroups {
  const group = (r: AwsRegionVpc, role: string, description: string): Group => ({
    label: `${name}-${r.region.key}-${role}`,
    provider: r.provider,
    parent,
    sg: new aws.ec2.SecurityGroup(
      ...transform(
        t.securityGroup,
        `${name}-${r.region.key}-${role}`,
        { vpcId: r.vpc.id, description, tags: { Name: awsNames.nameTag(spec.prefix, `${r.region.key}-${role}`), "portage-role": role } },
        { provider: r.provider, parent },
      ),
    ),
  });
  const nodes = new Map(
    regions.map((r) => [
      r.region.region,
      group(r, "node", `portage ${spec.prefix} nodes: app and SSH from the edge, Erlang ports from fleet members`),
    ]),
  );
  const edge = group(primary, "edge", `portage ${spec.prefix} edge: HTTP(S) from anyone, SSH from admin ranges, admin API from nodes`);
  const database = group(primary, "database", `portage ${spec.prefix} database: Postgres from fleet members only`);
  const nodeGroup = (r: AwsRegionVpc) => nodes.get(r.region.region) as Group;

  // What one region sees of the others.
  const fleetFrom = (r: AwsRegionVpc): Peer[] =>
    regions.map((o) => (o === r ? { group: nodeGroup(o).sg, label: o.region.key } : { cidr: o.plan.nodeRange, label: o.region.key }));
  const edgeFrom = (r: AwsRegionVpc): Peer =>
    r === primary ? { group: edge.sg, label: "edge" } : { cidr: primary.plan.public, label: "edge" };
  const databaseFrom = (r: AwsRegionVpc): Peer =>
    r === primary ? { group: database.sg, label: "database" } : { cidr: primary.plan.databaseRange, label: "database" };

  const appPorts = spec.app.ports;
  const { epmdPort, distributionPorts } = spec.cluster;
  const adminPort = spec.edge.adminPort;
  const internetOut = (role: string): Rule[] => [
    {
      id: "https",
      protocol: "tcp",
      ports: [443, 443],
      peer: anyone(),
      description: `HTTPS out from the ${role}: AWS APIs (SSM, S3) and package sources, through NAT or the internet gateway`,
    },
    {
      id: "http",
      protocol: "tcp",
      ports: [80, 80],
      peer: anyone(),
      description: `HTTP out from the ${role}: Ubuntu package mirrors (apt; packages are signed)`,
    },
    {
      id: "ntp",
      protocol: "udp",
      ports: [123, 123],
      peer: anyone(),
      description: `NTP out from the ${role}: clock sync (AWS rejects API calls from skewed clocks)`,
    },
  ];
  const cluster = (direction: "from" | "to", peers: Peer[]): Rule[] =>
    peers.flatMap((peer) => [
      {
        id: `epmd-${direction}-${peer.label}`,
        protocol: "tcp",
        ports: [epmdPort, epmdPort],
        peer,
        description: `epmd ${direction} ${peer.label} nodes: Erlang node name lookup within the fleet`,
      },
      {
        id: `distribution-${direction}-${peer.label}`,
        protocol: "tcp",
        ports: distributionPorts,
        peer,
        description: `Erlang distribution ${direction} ${peer.label} nodes: the cluster, pinned to ${distributionPorts[0]}-${distributionPorts[1]}`,
      },
    ]);

  // Edge: the only thing reachable from the internet.
  rules(
    edge,
    "ingress",
    [
      // IPv4 only: the VPC and the edge have no IPv6 address, so a ::/0 rule would let nothing in
      // (config/admin-ranges.ts refuses IPv6 admin ranges for the same reason).
      {
        id: "http-v4",
        protocol: "tcp",
        ports: [80, 80],
        peer: anyone(),
        description: "HTTP from anyone (IPv4): the app, redirects and ACME challenges",
      },
      { id: "https-v4", protocol: "tcp", ports: [443, 443], peer: anyone(), description: "HTTPS from anyone (IPv4): the app" },
      ...spec.access.adminCidrs.map((cidr): Rule => ({
        id: `ssh-from-${cidr.replace(/[^0-9a-fA-F]+/g, "-")}`,
        protocol: "tcp",
        ports: [22, 22],
        peer: { cidr, label: cidr },
        description: `SSH from admin range ${cidr} (access.adminCidrs): operators and rollouts use the edge as bastion`,
      })),
      ...fleetFrom(primary).map((peer): Rule => ({
        id: `admin-from-${peer.label}`,
        protocol: "tcp",
        ports: [adminPort, adminPort],
        peer,
        description: `Edge admin API from ${peer.label} nodes: deploys check and drain servers (basic auth)`,
      })),
    ],
    t,
  );
  const edgeEgress = rules(
    edge,
    "egress",
    [
      ...fleetFrom(primary).flatMap((peer): Rule[] => [
        ...appPorts.map((port): Rule => ({
          id: `app-${port}-to-${peer.label}`,
          protocol: "tcp",
          ports: [port, port],
          peer,
          description: `App port ${port} to ${peer.label} nodes: traffic and health checks`,
        })),
        {
          id: `ssh-to-${peer.label}`,
          protocol: "tcp",
          ports: [22, 22],
          peer,
          description: `SSH to ${peer.label} nodes: the edge is the bastion for rollouts and operators`,
        },
      ]),
      ...internetOut("edge"),
    ],
    t,
  );

  const nodeEgress = new Map<string, aws.vpc.SecurityGroupEgressRule[]>();
  for (const r of regions) {
    const node = nodeGroup(r);
    const fromEdge = edgeFrom(r);
    rules(
      node,
      "ingress",
      [
        ...appPorts.map((port): Rule => ({
          id: `app-${port}-from-edge`,
          protocol: "tcp",
          ports: [port, port],
          peer: fromEdge,
          description: `App port ${port} (blue/green) from the edge: traffic and health checks`,
        })),
        {
          id: "ssh-from-edge",
          protocol: "tcp",
          ports: [22, 22],
          peer: fromEdge,
          description: "SSH from the edge only: rollouts and operators come through the bastion",
        },
        ...cluster("from", fleetFrom(r)),
      ],
      t,
    );
    const out = rules(
      node,
      "egress",
      [
        ...cluster("to", fleetFrom(r)),
        {
          id: "postgres",
          protocol: "tcp",
          ports: [spec.database.port, spec.database.port],
          peer: databaseFrom(r),
          description: "Postgres to the database (TLS required by the server)",
        },
        {
          id: "edge-admin",
          protocol: "tcp",
          ports: [adminPort, adminPort],
          peer: fromEdge,
          description: "Edge admin API: deploys check and drain servers",
        },
        ...internetOut("nodes"),
      ],
      t,
    );
    nodeEgress.set(r.region.region, out);
  }

  rules(
    database,
    "ingress",
    fleetFrom(primary).map((peer): Rule => ({
      id: `postgres-from-${peer.label}`,
      protocol: "tcp",
      ports: [spec.database.port, spec.database.port],
      peer,
      description: `Postgres from ${peer.label} nodes only`,
    })),
    t,
  );

  return {
    edge: edge.sg,
    database: database.sg,
    nodes: new Map([...nodes].map(([region, g]) => [region, g.sg])),
    egress: { edge: edgeEgress, nodes: nodeEgress },
  };
}

/** Creates the rules; returns the egress ones (what a VM's first boot waits for). */
function rules(group: Group, direction: "ingress" | "egress", list: Rule[], t: AwsNetworkTransforms): aws.vpc.SecurityGroupEgressRule[] {
  const egress: aws.vpc.SecurityGroupEgressRule[] = [];
  for (const rule of list) {
    const name = `${group.label}-${direction === "ingress" ? "in" : "out"}-${rule.id}`;
    const args = {
      securityGroupId: group.sg.id,
      ipProtocol: rule.protocol,
      fromPort: rule.ports[0],
      toPort: rule.ports[1],
      description: rule.description,
      ...("group" in rule.peer ? { referencedSecurityGroupId: rule.peer.group.id } : { cidrIpv4: rule.peer.cidr }),
    };
    const opts = { provider: group.provider, parent: group.parent };
    if (direction === "ingress") new aws.vpc.SecurityGroupIngressRule(...transform(t.ingressRule, name, args, opts));
    else egress.push(new aws.vpc.SecurityGroupEgressRule(...transform(t.egressRule, name, args, opts)));
  }
  return egress;
}
