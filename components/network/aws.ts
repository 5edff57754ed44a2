import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { createFirewall } from "./aws-firewall";
import { createPeeringMesh } from "./aws-peering";
import { createRegionVpc, type RegionContext } from "./aws-region";
import type { AwsNetwork, AwsNetworkTransforms, AwsRegionNetwork, AwsRegionVpc } from "./aws-types";
import type { NetworkInputs } from "./types";

export type { AwsNetwork, AwsNetworkTransforms, AwsRegionNetwork } from "./aws-types";

/**
 * A VPC per region (the region's /16 from config/addresses.ts): a public subnet (the NAT gateway and
 * the region's edges), node subnets per zone slot, database subnets in the primary region (and in
 * each read replica's region),
 * a full mesh of peerings between regions with their routes, and the security groups.
 */
export function createNetwork(name: string, args: NetworkInputs<"aws">, t: AwsNetworkTransforms = {}, parent: pulumi.Resource): AwsNetwork {
  const { spec, cloud } = args;
  const providers = args.providers.handle;
  const context = (provider: aws.Provider): RegionContext => ({ name, spec, cloud, provider, parent, t });
  const primaryVpc = createRegionVpc(cloud.primary, context(providers.primary.provider));
  const vpcs = providers.regions.map((r) => (r === providers.primary ? primaryVpc : createRegionVpc(r.region, context(r.provider))));
  const peerings = createPeeringMesh(name, spec, vpcs, parent, t);
  const groups = createFirewall(name, spec, cloud, primaryVpc, vpcs, parent, t);
  const withGroup = (r: AwsRegionVpc): AwsRegionNetwork => ({
    ...r,
    nodeSecurityGroup: groups.nodes.get(r.region.region) as aws.ec2.SecurityGroup,
    edgeSecurityGroup: groups.edges.get(r.region.region) as aws.ec2.SecurityGroup,
    replicaSecurityGroup: groups.replicas.get(r.region.region),
    nodeBootDependencies: [...r.nodeEgress, ...(groups.egress.nodes.get(r.region.region) ?? [])],
    edgeBootDependencies: [...r.publicEgress, ...(groups.egress.edges.get(r.region.region) ?? [])],
  });
  const primary = withGroup(primaryVpc);
  const regions = vpcs.map((r) => (r === primaryVpc ? primary : withGroup(r)));
  return {
    regions,
    primary,
    edgeSecurityGroup: primary.edgeSecurityGroup,
    databaseSecurityGroup: groups.database,
    databaseSubnets: primary.databaseSubnets,
    peerings,
  };
}
