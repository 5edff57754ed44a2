import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { RegionSpec } from "../config";
import type { AwsRegionAddresses } from "../config/addresses";
import type { Transform } from "../transform";

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

/** One region's VPC and what routes through it (its security groups are added by aws-firewall.ts). */
export interface AwsRegionVpc {
  region: RegionSpec<"aws">;
  provider: aws.Provider;
  /** The region's ranges (config/addresses.ts). */
  plan: AwsRegionAddresses;
  vpc: aws.ec2.Vpc;
  /** The zone of each slot (`zoneSlots` entries; repeats when the region has fewer zones). */
  zones: pulumi.Output<string[]>;
  internetGateway: aws.ec2.InternetGateway;
  natGateway: aws.ec2.NatGateway;
  /** The NAT gateway's and the region's first edge's subnet. */
  publicSubnet: aws.ec2.Subnet;
  /** One per edge of the region (`edge.count`), each in its own zone slot; the first is `publicSubnet`. */
  edgeSubnets: aws.ec2.Subnet[];
  /** One per zone slot; hold nothing but nodes. */
  nodeSubnets: aws.ec2.Subnet[];
  /** One per zone slot in the primary region and a replica's region (RDS needs two zones), empty elsewhere. */
  databaseSubnets: aws.ec2.Subnet[];
  publicRoutes: aws.ec2.RouteTable;
  /** Nodes: default route through the NAT gateway. */
  privateRoutes: aws.ec2.RouteTable;
  /** Primary and replica regions: the database subnets, with no route out of the stack's networks. */
  databaseRoutes?: aws.ec2.RouteTable;
  /**
   * A node subnet's way out (NAT gateway, default route, route table associations, the bucket's
   * endpoint): nodes depend on it, since cloud-init installs packages once, at first boot.
   */
  nodeEgress: pulumi.Resource[];
  /** The public subnets' way out (internet gateway, default route, associations): the edges'. */
  publicEgress: pulumi.Resource[];
}

/** A region's network as the other components use it. */
export interface AwsRegionNetwork extends AwsRegionVpc {
  /** Every node of the region wears it. */
  nodeSecurityGroup: aws.ec2.SecurityGroup;
  /** The region's edges wear it. */
  edgeSecurityGroup: aws.ec2.SecurityGroup;
  /** A region with a read replica (database.replicas): the replica wears it (the primary's is `AwsNetwork.databaseSecurityGroup`). */
  replicaSecurityGroup?: aws.ec2.SecurityGroup;
  /** Everything a node of the region needs to reach the internet and the bucket: routes and egress rules. */
  nodeBootDependencies: pulumi.Resource[];
  /** Everything the region's edges need to reach the internet at first boot: routes and egress rules. */
  edgeBootDependencies: pulumi.Resource[];
}

/** The aws network's handle: what the other aws implementations build on. */
export interface AwsNetwork {
  /** In the order of `fleet.regions`; the first is primary. */
  regions: AwsRegionNetwork[];
  primary: AwsRegionNetwork;
  /** The primary region's edge group (`regions[i].edgeSecurityGroup` for each region's). */
  edgeSecurityGroup: aws.ec2.SecurityGroup;
  databaseSecurityGroup: aws.ec2.SecurityGroup;
  /** The primary region's database subnets, one per zone slot (RDS needs two zones or more). */
  databaseSubnets: aws.ec2.Subnet[];
  /** The peerings (accepted), for `dependsOn` of anything that talks across regions. */
  peerings: aws.ec2.VpcPeeringConnectionAccepter[];
}
