import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { edgesShareCertificate, type EdgeSpec, type RegionSpec } from "../config";
import { createVmIdentity, parameterArn, policyDocument, type IdentityTransforms, type VmIdentity } from "../identity/aws";
import { awsNames, stackTags } from "../names";
import { packUserData } from "../node";
import { secretRef } from "../secrets/names";
import { edgeMemberName, sharedCertificateKey } from "./names";
import { transform, type Transform } from "../transform";
import { encryptedRoot, metadataOptions, ubuntuImage, vmOptions } from "../vm/aws";
import { createBalancer, type AwsBalancer, type AwsBalancerTransforms } from "./aws-balancer";
import type { EdgeInputs, EdgeMember, EdgeUserData } from "./types";

/** Per-resource escape hatches for the aws edge (see components/transform.ts). */
export interface AwsEdgeTransforms extends IdentityTransforms, AwsBalancerTransforms {
  instance?: Transform<aws.ec2.InstanceArgs>;
  networkInterface?: Transform<aws.ec2.NetworkInterfaceArgs>;
  address?: Transform<aws.ec2.EipArgs>;
  addressAssociation?: Transform<aws.ec2.EipAssociationArgs>;
}

export interface AwsEdge extends EdgeMember {
  instance: aws.ec2.Instance;
  address: aws.ec2.Eip;
  networkInterface: aws.ec2.NetworkInterface;
}

export interface AwsEdges {
  /** Every edge, region by region (`cloud.edges` order). */
  members: AwsEdge[];
  /** The Network Load Balancer of each region with several edges. */
  balancers: (AwsBalancer & { region: RegionSpec<"aws"> })[];
  /** One role and instance profile for every edge (IAM is global). */
  identity: VmIdentity;
}

/**
 * The edges: an EC2 instance in each fleet region's public subnet. Its network interface and Elastic
 * IP are created first and the instance boots on that interface, so it has its public address (and
 * the internet, for packages and ACME) from its first second, and keeps its private and public
 * address when it is replaced. One IAM role for all: reads the edge admin password and, when the
 * edges share a certificate, reads and writes that one bucket key.
 */
export function createEdge(
  name: string,
  args: EdgeInputs<"aws"> & { userData: EdgeUserData },
  t: AwsEdgeTransforms = {},
  parent: pulumi.Resource,
): AwsEdges {
  const { spec, cloud } = args;
  const primary = args.providers.handle.primary;
  const opts = { provider: primary.provider, parent };
  const labelsOf = (edge?: EdgeSpec) => ({
    Name: awsNames.nameTag(spec.prefix, !edge || edge.first ? "edge" : `edge-${edge.name}`),
    "portage-role": "edge",
  });
  const labels = labelsOf();

  const caller = aws.getCallerIdentityOutput({}, opts);
  const password = secretRef({ provider: "aws", prefix: spec.prefix }, "EDGE_ADMIN_PASSWORD").ref;
  const shared = edgesShareCertificate(spec, cloud);
  const policy = pulumi.all([caller, args.bucket.handle.arn]).apply(([who, bucket]) =>
    policyDocument([
      {
        Sid: "ReadEdgeAdminPassword",
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: parameterArn(who, cloud.primary.region, password),
      },
      // The shared certificate: the renewer puts it, the others read it (node/files/portage-edge-acme).
      ...(shared
        ? [
            {
              Sid: "SharedCertificate",
              Effect: "Allow" as const,
              Action: ["s3:GetObject", "s3:PutObject"],
              Resource: `${bucket}/${sharedCertificateKey(spec)}`,
            },
          ]
        : []),
    ]),
  );
  const identity = createVmIdentity(
    name,
    {
      path: awsNames.iamPath(spec.prefix),
      description: `portage ${spec.prefix} edge: reads the edge admin password`,
      policy,
      tags: labels,
    },
    opts,
    t,
  );

  const members = cloud.edges.map((edge): AwsEdge => {
    const id = edgeMemberName(name, edge);
    const net = args.network.handle.regions.find((r) => r.region.region === edge.region.region);
    const provider = args.providers.handle.regions.find((r) => r.region.region === edge.region.region)?.provider;
    if (!net || !provider) throw new Error(`edge ${edge.name}: no network or provider for ${edge.region.region}`);
    const at = { provider, parent };
    const labels = labelsOf(edge);
    const networkInterface = new aws.ec2.NetworkInterface(
      ...transform(
        t.networkInterface,
        `${id}-interface`,
        {
          subnetId: (net.edgeSubnets[edge.index] ?? net.publicSubnet).id,
          securityGroups: [net.edgeSecurityGroup.id],
          description: edge.first ? `portage ${spec.prefix} edge` : `portage ${spec.prefix} edge ${edge.name}`,
          tags: labels,
        },
        at,
      ),
    );
    const address = new aws.ec2.Eip(...transform(t.address, `${id}-address`, { domain: "vpc", tags: labels }, at));
    const association = new aws.ec2.EipAssociation(
      ...transform(
        t.addressAssociation,
        `${id}-address-association`,
        { allocationId: address.allocationId, networkInterfaceId: networkInterface.id },
        { ...at, dependsOn: [net.internetGateway] },
      ),
    );
    const instance = new aws.ec2.Instance(
      ...transform(
        t.instance,
        id,
        {
          ami: ubuntuImage(provider, parent, cloud.edge.machineType),
          instanceType: cloud.edge.machineType,
          primaryNetworkInterface: { networkInterfaceId: networkInterface.id },
          iamInstanceProfile: identity.profile.name,
          userDataBase64: pulumi.output(args.userData(edge)).apply(packUserData),
          userDataReplaceOnChange: true,
          metadataOptions,
          rootBlockDevice: encryptedRoot(),
          volumeTags: { ...stackTags(spec, "aws"), ...labels },
          tags: labels,
        },
        // The interface can serve one instance at a time: a replacement stops the old edge first. The
        // region's way out (routes, egress rules) exists before its first boot installs packages.
        { ...at, ...vmOptions, deleteBeforeReplace: true, dependsOn: [association, ...net.edgeBootDependencies] },
      ),
    );
    return { spec: edge, instance, address, networkInterface, publicAddress: address.publicIp, privateAddress: instance.privateIp };
  });

  // A region with several edges gets its Network Load Balancer: the region's public entry.
  const balancers = args.network.handle.regions.flatMap((net) => {
    const group = members.filter((m) => m.spec.region.region === net.region.region);
    const provider = args.providers.handle.regions.find((r) => r.region.region === net.region.region)?.provider;
    if (group.length < 2 || !provider) return [];
    const balancer = createBalancer(
      `${name}-${net.region.key}-balancer`,
      { spec, region: net.region, network: net, subnets: net.edgeSubnets.slice(0, group.length), instances: group.map((m) => m.instance) },
      t,
      { provider, parent },
    );
    return [{ region: net.region, ...balancer }];
  });
  return { members, identity, balancers };
}
