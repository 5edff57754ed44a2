import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { Cloud, Spec } from "../config";
import type { Footprint } from "../footprint";

/** What crosses the VPN, one security group rule each (GCP needs none: see `createCrossingRules`). */
export interface CrossingInputs {
  spec: Spec;
  /** The cloud the stack moves from. */
  source: Cloud;
  aws: Footprint<"aws">;
  gcp: Footprint<"gcp">;
  /** The target's node that runs the migration's database steps (it reaches both databases). */
  jobNode: pulumi.Output<string>;
}

interface Crossing {
  id: string;
  group: aws.ec2.SecurityGroup;
  direction: "in" | "out";
  ports: readonly number[];
  cidr: pulumi.Input<string>;
  description: string;
}

/**
 * Security group rules for exactly what crosses, by direction. Both ways the two databases replicate
 * to each other (forward during replicate, reverse from cutover): Postgres from and to Cloud SQL's
 * private services range. AWS to GCP: the GCP node running the steps reaches RDS, and the AWS edge
 * forwards to the GCP edge at cutover. GCP to AWS: AWS nodes reach Cloud SQL (the steps run on one);
 * the GCP edge reaches the AWS edge on 80/443, which the edge lets in from anyone already.
 *
 * GCP's side needs no rule: its implied egress allow covers what leaves, Cloud SQL sits behind the
 * private services peering where the VPC's ingress rules do not apply, and the GCP edge's
 * 80/443-from-anywhere rule covers the AWS edge's forwarded requests.
 */
export function createCrossingRules(name: string, args: CrossingInputs, parent: pulumi.Resource): pulumi.Resource[] {
  const { spec } = args;
  const net = args.aws.network.handle;
  const cloudSql = args.gcp.spec.addresses.privateServices.cidr;
  const postgres = [spec.database.port];
  const both: Crossing[] = [
    {
      id: "database-from-cloud-sql",
      group: net.databaseSecurityGroup,
      direction: "in",
      ports: postgres,
      cidr: cloudSql,
      description: "Postgres from Cloud SQL across the migration's VPN: Cloud SQL subscribing to RDS",
    },
    {
      id: "database-to-cloud-sql",
      group: net.databaseSecurityGroup,
      direction: "out",
      ports: postgres,
      cidr: cloudSql,
      description: "Postgres to Cloud SQL across the migration's VPN: RDS subscribing to Cloud SQL",
    },
  ];
  const fromAws: Crossing[] = [
    {
      id: "database-from-migration-node",
      group: net.databaseSecurityGroup,
      direction: "in",
      ports: postgres,
      cidr: args.jobNode.apply((a) => `${a}/32`),
      description: "Postgres from the GCP node that runs the migration's steps (portage-migrate)",
    },
    {
      id: "edge-to-gcp-edge",
      group: net.edgeSecurityGroup,
      direction: "out",
      ports: [80, 443],
      cidr: args.gcp.edge.privateAddress.apply((a) => `${a}/32`),
      description: "HTTP(S) to the GCP edge across the VPN: this edge forwards every request there from cutover",
    },
  ];
  const fromGcp: Crossing[] = [
    {
      id: "nodes-to-cloud-sql",
      group: net.primary.nodeSecurityGroup,
      direction: "out",
      ports: postgres,
      cidr: cloudSql,
      description: "Postgres to Cloud SQL across the migration's VPN: the node that runs the migration's steps",
    },
  ];
  const opts = { parent, provider: args.aws.providers.handle.primary.provider };
  return [...both, ...(args.source === "aws" ? fromAws : fromGcp)].flatMap((c) =>
    c.ports.map((port) => {
      const rule = {
        securityGroupId: c.group.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: c.cidr,
        description: c.description,
      };
      const id = `${name}-${c.id}${c.ports.length > 1 ? `-${port}` : ""}`;
      return c.direction === "in"
        ? new aws.vpc.SecurityGroupIngressRule(id, rule, opts)
        : new aws.vpc.SecurityGroupEgressRule(id, rule, opts);
    }),
  );
}
