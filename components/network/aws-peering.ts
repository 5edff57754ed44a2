import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { Spec } from "../config";
import { awsNames } from "../names";
import { transform } from "../transform";
import { route } from "./aws-region";
import type { AwsNetworkTransforms, AwsRegionVpc } from "./aws-types";

/**
 * A full mesh of VPC peerings between the regions (peering is not transitive). Each pair is requested
 * from the region listed first and accepted in the other, so adding a region only adds pairs.
 * Routes to the peer's whole VPC go into every route table whose subnets talk across regions:
 * nodes (cluster, database, edge admin API), every public table (each region's edges reach every node)
 * and the primary's database table (replies to nodes in other regions).
 */
export function createPeeringMesh(
  name: string,
  spec: Spec,
  regions: AwsRegionVpc[],
  parent: pulumi.Resource,
  t: AwsNetworkTransforms,
): aws.ec2.VpcPeeringConnectionAccepter[] {
  const accepted: aws.ec2.VpcPeeringConnectionAccepter[] = [];
  regions.forEach((a, i) =>
    regions.slice(i + 1).forEach((b) => {
      const pair = `${name}-peering-${a.region.key}-${b.region.key}`;
      const tags = { Name: awsNames.nameTag(spec.prefix, `${a.region.key}-${b.region.key}`) };
      const request = new aws.ec2.VpcPeeringConnection(
        ...transform(
          t.peering,
          pair,
          // Cross-region: auto-accept is not possible from the requester; the accepter below does it.
          { vpcId: a.vpc.id, peerVpcId: b.vpc.id, peerRegion: b.region.region, tags },
          { provider: a.provider, parent },
        ),
      );
      const accepter = new aws.ec2.VpcPeeringConnectionAccepter(
        ...transform(
          t.peeringAccepter,
          `${pair}-accept`,
          { vpcPeeringConnectionId: request.id, autoAccept: true, tags },
          { provider: b.provider, parent },
        ),
      );
      accepted.push(accepter);
      // Routes wait for the acceptance: a route to a pending peering is rejected.
      const peering = accepter.vpcPeeringConnectionId;
      routeTables(a).forEach(([id, table]) =>
        route({ provider: a.provider, parent, t }, `${name}-${a.region.key}-${id}-to-${b.region.key}`, {
          routeTableId: table.id,
          destinationCidrBlock: b.plan.vpc,
          vpcPeeringConnectionId: peering,
        }),
      );
      routeTables(b).forEach(([id, table]) =>
        route({ provider: b.provider, parent, t }, `${name}-${b.region.key}-${id}-to-${a.region.key}`, {
          routeTableId: table.id,
          destinationCidrBlock: a.plan.vpc,
          vpcPeeringConnectionId: peering,
        }),
      );
    }),
  );
  return accepted;
}

/** The route tables of a region that carry cross-region traffic. */
function routeTables(r: AwsRegionVpc): [string, aws.ec2.RouteTable][] {
  // Every region's public table: its edges reach every region's nodes (backups) and the renewer edge.
  const tables: [string, aws.ec2.RouteTable][] = [
    ["nodes", r.privateRoutes],
    ["public", r.publicRoutes],
  ];
  if (r.databaseRoutes) tables.push(["database", r.databaseRoutes]);
  return tables;
}
