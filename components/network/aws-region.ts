import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { zoneSlots, type CloudSpec, type RegionSpec, type Spec } from "../config";
import { awsNames } from "../names";
import { transform } from "../transform";
import type { AwsNetworkTransforms, AwsRegionVpc } from "./aws-types";
import { slotZones, type NeededType } from "./aws-zones";

export interface RegionContext {
  name: string;
  spec: Spec;
  cloud: CloudSpec<"aws">;
  provider: aws.Provider;
  parent: pulumi.Resource;
  t: AwsNetworkTransforms;
}

export function createRegionVpc(region: RegionSpec<"aws">, ctx: RegionContext): AwsRegionVpc {
  const { spec, provider, parent, t } = ctx;
  const base = `${ctx.name}-${region.key}`;
  const opts: pulumi.CustomResourceOptions = { provider, parent };
  const plan = region.addresses;
  const label = (what: string) => ({ Name: awsNames.nameTag(spec.prefix, `${region.key}-${what}`) });

  const vpc = new aws.ec2.Vpc(
    ...transform(t.vpc, `${base}-vpc`, { cidrBlock: plan.vpc, enableDnsSupport: true, enableDnsHostnames: true, tags: label("vpc") }, opts),
  );
  const zones = regionZones(region, ctx.cloud, opts);

  // Subnets keep the zone they were created in: a zone that is impaired (or stops offering a type)
  // at the next `pulumi up` must not move a subnet, which would replace every VM in it.
  const subnetOpts = { ...opts, ignoreChanges: ["availabilityZone"] };
  const subnet = (id: string, cidr: string, slot: number) =>
    new aws.ec2.Subnet(
      ...transform(
        t.subnet,
        `${base}-${id}`,
        {
          vpcId: vpc.id,
          cidrBlock: cidr,
          availabilityZone: zones.apply((z) => z[slot] as string),
          mapPublicIpOnLaunch: false,
          tags: label(id),
        },
        subnetOpts,
      ),
    );
  const publicSubnet = subnet("public", plan.public, 0);
  // A region's edges stand in zones of their own: one public subnet per edge (the first is `public`).
  const edgeSubnets = [publicSubnet, ...plan.edges.slice(1, spec.edge.count).map((cidr, i) => subnet(`public-${i + 2}`, cidr, i + 1))];
  const nodeSubnets = plan.nodes.map((cidr, slot) => subnet(`nodes-${slot + 1}`, cidr, slot));
  // The database's subnets, and a read replica's (database.replicas) in its region: the same shape.
  const holdsDatabase = region.primary || ctx.cloud.database.replicas.some((r) => r.region === region.region);
  const databaseSubnets = holdsDatabase ? plan.database.map((cidr, slot) => subnet(`database-${slot + 1}`, cidr, slot)) : [];

  const internetGateway = new aws.ec2.InternetGateway(
    ...transform(t.internetGateway, `${base}-igw`, { vpcId: vpc.id, tags: label("igw") }, opts),
  );
  const natAddress = new aws.ec2.Eip(...transform(t.natAddress, `${base}-nat-address`, { domain: "vpc", tags: label("nat") }, opts));
  const natGateway = new aws.ec2.NatGateway(
    ...transform(
      t.natGateway,
      `${base}-nat`,
      { connectivityType: "public", allocationId: natAddress.allocationId, subnetId: publicSubnet.id, tags: label("nat") },
      { ...opts, dependsOn: [internetGateway] },
    ),
  );

  const routeTable = (id: string) =>
    new aws.ec2.RouteTable(...transform(t.routeTable, `${base}-${id}-routes`, { vpcId: vpc.id, tags: label(id) }, opts));
  const publicRoutes = routeTable("public");
  const privateRoutes = routeTable("nodes");
  const databaseRoutes = holdsDatabase ? routeTable("database") : undefined;
  const publicToInternet = route(ctx, `${base}-public-to-internet`, {
    routeTableId: publicRoutes.id,
    destinationCidrBlock: "0.0.0.0/0",
    gatewayId: internetGateway.id,
  });
  const nodesToInternet = route(ctx, `${base}-nodes-to-internet`, {
    routeTableId: privateRoutes.id,
    destinationCidrBlock: "0.0.0.0/0",
    natGatewayId: natGateway.id,
  });

  const associate = (subnets: aws.ec2.Subnet[], table: aws.ec2.RouteTable, id: string) =>
    subnets.map(
      (s, i) =>
        new aws.ec2.RouteTableAssociation(
          ...transform(t.routeTableAssociation, `${base}-${id}-${i + 1}-routes`, { subnetId: s.id, routeTableId: table.id }, opts),
        ),
    );
  const publicAssociations = associate(edgeSubnets, publicRoutes, "public");
  const nodeAssociations = associate(nodeSubnets, privateRoutes, "nodes");
  if (databaseRoutes) associate(databaseSubnets, databaseRoutes, "database");

  // The bucket lives in the primary region: nodes fetch releases through a free gateway endpoint
  // instead of paying the NAT gateway's per-GB charge.
  const bucketEndpoint = region.primary
    ? new aws.ec2.VpcEndpoint(
        ...transform(
          t.s3Endpoint,
          `${base}-s3`,
          {
            vpcId: vpc.id,
            serviceName: `com.amazonaws.${region.region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: [privateRoutes.id],
            tags: label("s3"),
          },
          opts,
        ),
      )
    : undefined;

  return {
    region,
    provider,
    plan,
    vpc,
    zones,
    internetGateway,
    natGateway,
    publicSubnet,
    edgeSubnets,
    nodeSubnets,
    databaseSubnets,
    publicRoutes,
    privateRoutes,
    databaseRoutes,
    nodeEgress: [natGateway, nodesToInternet, ...nodeAssociations, ...(bucketEndpoint ? [bucketEndpoint] : [])],
    publicEgress: [internetGateway, publicToInternet, ...publicAssociations],
  };
}

export function route(ctx: Pick<RegionContext, "provider" | "parent" | "t">, name: string, args: aws.ec2.RouteArgs): aws.ec2.Route {
  return new aws.ec2.Route(...transform(ctx.t.route, name, args, { provider: ctx.provider, parent: ctx.parent }));
}

/** One lookup per region: standard zones (no Local or Wavelength Zones) that offer the region's VM types. */
function regionZones(region: RegionSpec, cloud: CloudSpec<"aws">, opts: pulumi.InvokeOutputOptions): pulumi.Output<string[]> {
  // Every region has edges (in the public subnets) and nodes; subnets keep their zone once made.
  const needs: NeededType[] = [
    { type: cloud.fleet.machineType, key: "portage:fleet.size" },
    { type: cloud.edge.machineType, key: "portage:edge.size" },
  ];
  const types = [...new Set(needs.map((n) => n.type))];
  const available = aws.getAvailabilityZonesOutput(
    { state: "available", filters: [{ name: "zone-type", values: ["availability-zone"] }] },
    opts,
  );
  const offerings = aws.ec2.getInstanceTypeOfferingsOutput(
    { locationType: "availability-zone", filters: [{ name: "instance-type", values: types }] },
    opts,
  );
  return pulumi.all([available.names, offerings]).apply(([names, offered]) => {
    return slotZones(region.region, [...names].sort(), offered, needs).slice(0, zoneSlots);
  });
}
