import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { NetworkArgs } from ".";
import type { Transform } from "../transform";
import { createFirewall } from "./aws-firewall";
import { createPeeringMesh } from "./aws-peering";
import { createRegionVpc, type AwsRegionVpc } from "./aws-region";

export { zoneSlots } from "./aws-plan";

/** Per-resource escape hatches for the aws network (see components/transform.ts). */
export interface AwsNetworkTransforms {
  vpc?: Transform<aws.ec2.VpcArgs>;
  subnet?: Transform<aws.ec2.SubnetArgs>;
  internetGateway?: Transform<aws.ec2.InternetGatewayArgs>;
  /** The NAT gateway's Elastic IP. */
  natAddress?: Transform<aws.ec2.EipArgs>;
  natGateway?: Transform<aws.ec2.NatGatewayArgs>;
  routeTable?: Transform<aws.ec2.RouteTableArgs>;
  route?: Transform<aws.ec2.RouteArgs>;
  routeTableAssociation?: Transform<aws.ec2.RouteTableAssociationArgs>;
  /** The S3 gateway endpoint of the primary region. */
  s3Endpoint?: Transform<aws.ec2.VpcEndpointArgs>;
  peering?: Transform<aws.ec2.VpcPeeringConnectionArgs>;
  peeringAccepter?: Transform<aws.ec2.VpcPeeringConnectionAccepterArgs>;
  securityGroup?: Transform<aws.ec2.SecurityGroupArgs>;
  ingressRule?: Transform<aws.vpc.SecurityGroupIngressRuleArgs>;
  egressRule?: Transform<aws.vpc.SecurityGroupEgressRuleArgs>;
}

/** A region's network as the other components use it. */
export interface AwsRegionNetwork extends AwsRegionVpc {
  /** Every node of the region wears it. */
  nodeSecurityGroup: aws.ec2.SecurityGroup;
}

export interface AwsNetwork {
  /** In the order of `fleet.regions`; the first is primary. */
  regions: AwsRegionNetwork[];
  primary: AwsRegionNetwork;
  /** The network of a provider region (`us-east-1`). */
  region(region: string): AwsRegionNetwork;
  edgeSecurityGroup: aws.ec2.SecurityGroup;
  databaseSecurityGroup: aws.ec2.SecurityGroup;
  /** The primary region's database subnets, one per zone slot (RDS needs two zones or more). */
  databaseSubnets: aws.ec2.Subnet[];
  /** The peerings (accepted), for `dependsOn` of anything that talks across regions. */
  peerings: aws.ec2.VpcPeeringConnectionAccepter[];
}

export function createAwsNetwork(name: string, args: NetworkArgs, parent: pulumi.Resource): AwsNetwork {
  const { spec, cloud } = args;
  const t = args.transform?.aws ?? {};
  const vpcs = spec.fleet.regions.map((region) =>
    createRegionVpc(region, { name, spec, provider: cloud.awsProvider(region.region), parent, t }),
  );
  const peerings = createPeeringMesh(name, spec, vpcs, parent, t);
  const groups = createFirewall(name, spec, vpcs, parent, t);
  const regions = vpcs.map((r): AwsRegionNetwork => ({
    ...r,
    nodeSecurityGroup: groups.nodes.get(r.region.region) as aws.ec2.SecurityGroup,
  }));
  const primary = regions.find((r) => r.region.primary);
  if (!primary) throw new Error("the spec has no primary region");
  return {
    regions,
    primary,
    region(region) {
      const found = regions.find((r) => r.region.region === region);
      if (!found) throw new Error(`the network has no region ${region}; it has ${regions.map((r) => r.region.region).join(", ")}`);
      return found;
    },
    edgeSecurityGroup: groups.edge,
    databaseSecurityGroup: groups.database,
    databaseSubnets: primary.databaseSubnets,
    peerings,
  };
}
