import type * as aws from "@pulumi/aws";
import type { Transform } from "../transform";
import type { AwsRegionVpc } from "./aws-region";

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

/** The aws network's handle: what the other aws implementations build on. */
export interface AwsNetwork {
  /** In the order of `fleet.regions`; the first is primary. */
  regions: AwsRegionNetwork[];
  primary: AwsRegionNetwork;
  edgeSecurityGroup: aws.ec2.SecurityGroup;
  databaseSecurityGroup: aws.ec2.SecurityGroup;
  /** The primary region's database subnets, one per zone slot (RDS needs two zones or more). */
  databaseSubnets: aws.ec2.Subnet[];
  /** The peerings (accepted), for `dependsOn` of anything that talks across regions. */
  peerings: aws.ec2.VpcPeeringConnectionAccepter[];
}
