import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { acmePort, edgesShareCertificate, type CloudSpec, type Spec } from "../config";
import { awsNames } from "../names";
import { transform } from "../transform";
import type { AwsNetworkTransforms } from "./aws-types";
import type { AwsRegionVpc } from "./aws-types";

export interface AwsSecurityGroups {
  /** By provider region: every fleet region has its edges. */
  edges: Map<string, aws.ec2.SecurityGroup>;
  database: aws.ec2.SecurityGroup;
  /** By provider region: the regions with a read replica (database.replicas). */
  replicas: Map<string, aws.ec2.SecurityGroup>;
  /** By provider region. */
  nodes: Map<string, aws.ec2.SecurityGroup>;
  /** The egress rules of each region's edge and node groups (by provider region): what a first boot needs. */
  egress: { edges: Map<string, aws.vpc.SecurityGroupEgressRule[]>; nodes: Map<string, aws.vpc.SecurityGroupEgressRule[]> };
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
  cloud: CloudSpec<"aws">,
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
  // Every region has an edge group (regional edges); the primary's keeps the group it always had.
  const edges = new Map(
    regions.map((r) => [
      r.region.region,
      group(r, "edge", `portage ${spec.prefix} edge: HTTP(S) from anyone, SSH from admin ranges, admin API from nodes`),
    ]),
  );
  const database = group(primary, "database", `portage ${spec.prefix} database: Postgres from fleet members only`);
  // A read replica's group takes Postgres from its own region's nodes: the others read the primary.
  const replicas = new Map(
    regions
      .filter((r) => cloud.database.replicas.some((replica) => replica.region === r.region.region))
      .map((r) => [
        r.region.region,
        group(r, "replica", `portage ${spec.prefix} read replica: Postgres from the nodes of this region only`),
      ]),
  );
  const nodeGroup = (r: AwsRegionVpc) => nodes.get(r.region.region) as Group;
  const edgeGroup = (r: AwsRegionVpc) => edges.get(r.region.region) as Group;
  const shared = edgesShareCertificate(spec, cloud);

  // What one region sees of the others.
  const fleetFrom = (r: AwsRegionVpc): Peer[] =>
    regions.map((o) => (o === r ? { group: nodeGroup(o).sg, label: o.region.key } : { cidr: o.plan.nodeRange, label: o.region.key }));
  // Region e's edges as region r sees them: their group at home, their public subnet (edges and the
  // NAT gateway only) across a peering. The primary's are "edge", as they always were.
  const edgeLabel = (e: AwsRegionVpc) => (e === primary ? "edge" : `edge-${e.region.key}`);
  const pairs = cloud.edges.length > regions.length;
  const edgeFrom = (r: AwsRegionVpc, e: AwsRegionVpc = primary): Peer =>
    r === e ? { group: edgeGroup(e).sg, label: edgeLabel(e) } : { cidr: pairs ? e.plan.edgeRange : e.plan.public, label: edgeLabel(e) };
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

  // Edges: the only things reachable from the internet. Every edge reaches every region's nodes (its
  // own first, the others as backups); the primary's is the SSH bastion.
  const edgeEgress = new Map<string, aws.vpc.SecurityGroupEgressRule[]>();
  for (const e of regions) {
    const edge = edgeGroup(e);
    const bastion = e === primary;
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
          description: `SSH from admin range ${cidr} (access.adminCidrs): operators use the edge as bastion`,
        })),
        ...fleetFrom(e).map((peer): Rule => ({
          id: `admin-from-${peer.label}`,
          protocol: "tcp",
          ports: [adminPort, adminPort],
          peer,
          description: `Edge admin API from ${peer.label} nodes: deploys check and drain servers (basic auth)`,
        })),
        // The renewer (the primary's edge) answers the ACME challenges that reach the other edges.
        ...(shared && bastion
          ? regions
              .filter((o) => o !== primary || pairs)
              .map((o): Rule => ({
                id: `acme-from-${edgeLabel(o)}`,
                protocol: "tcp",
                ports: [acmePort, acmePort],
                peer: edgeFrom(e, o),
                description: `ACME HTTP-01 from the ${o.region.key} edges: the renewer of the shared certificate answers their challenges`,
              }))
          : []),
      ],
      t,
    );
    const out = rules(
      edge,
      "egress",
      [
        ...fleetFrom(e).flatMap((peer): Rule[] => [
          ...appPorts.map((port): Rule => ({
            id: `app-${port}-to-${peer.label}`,
            protocol: "tcp",
            ports: [port, port],
            peer,
            description: `App port ${port} to ${peer.label} nodes: traffic and health checks`,
          })),
          ...(bastion
            ? [
                {
                  id: `ssh-to-${peer.label}`,
                  protocol: "tcp",
                  ports: [22, 22],
                  peer,
                  description: `SSH to ${peer.label} nodes: the edge is the bastion for operators`,
                } satisfies Rule,
              ]
            : []),
        ]),
        ...(shared && (!bastion || pairs)
          ? [
              {
                id: "acme-to-renewer",
                protocol: "tcp",
                ports: [acmePort, acmePort],
                peer: edgeFrom(e, primary),
                description: "ACME HTTP-01 to the renewer edge: challenges of the shared certificate that reach this edge",
              } satisfies Rule,
            ]
          : []),
        ...internetOut("edge"),
      ],
      t,
    );
    edgeEgress.set(e.region.region, out);
  }

  const nodeEgress = new Map<string, aws.vpc.SecurityGroupEgressRule[]>();
  for (const r of regions) {
    const node = nodeGroup(r);
    const fromEdge = edgeFrom(r);
    // Every region's edges send to these nodes (their own region's first, the others' as backups).
    const fromEdges = regions.map((e) => ({ peer: edgeFrom(r, e), id: e === primary ? "edge" : edgeLabel(e), of: e.region.key }));
    rules(
      node,
      "ingress",
      [
        ...fromEdges.flatMap(({ peer, id, of }) =>
          appPorts.map((port): Rule => ({
            id: `app-${port}-from-${id}`,
            protocol: "tcp",
            ports: [port, port],
            peer,
            description:
              id === "edge"
                ? `App port ${port} (blue/green) from the edge: traffic and health checks`
                : `App port ${port} (blue/green) from the ${of} edges: traffic and health checks`,
          })),
        ),
        {
          id: "ssh-from-edge",
          protocol: "tcp",
          ports: [22, 22],
          peer: fromEdge,
          description: "SSH from the edge only: operators come through the bastion",
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
        ...(replicas.has(r.region.region)
          ? [
              <Rule>{
                id: "postgres-replica",
                protocol: "tcp",
                ports: [spec.database.port, spec.database.port],
                peer: { group: (replicas.get(r.region.region) as Group).sg, label: "replica" },
                description: "Postgres to the read replica of this region (TLS required by the server)",
              },
            ]
          : []),
        ...fromEdges.map(({ peer, id, of }): Rule => ({
          id: id === "edge" ? "edge-admin" : `${id}-admin`,
          protocol: "tcp",
          ports: [adminPort, adminPort],
          peer,
          description:
            id === "edge" ? "Edge admin API: deploys check and drain servers" : `Admin API of the ${of} edges: deploys drain on every edge`,
        })),
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

  for (const [region, replica] of replicas) {
    const r = regions.find((o) => o.region.region === region) as AwsRegionVpc;
    rules(
      replica,
      "ingress",
      [
        {
          id: "postgres-from-nodes",
          protocol: "tcp",
          ports: [spec.database.port, spec.database.port],
          peer: { group: nodeGroup(r).sg, label: r.region.key },
          description: `Postgres from ${r.region.key} nodes only`,
        },
      ],
      t,
    );
  }

  return {
    edges: new Map([...edges].map(([region, g]) => [region, g.sg])),
    replicas: new Map([...replicas].map(([region, g]) => [region, g.sg])),
    database: database.sg,
    nodes: new Map([...nodes].map(([region, g]) => [region, g.sg])),
    egress: { edges: edgeEgress, nodes: nodeEgress },
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
