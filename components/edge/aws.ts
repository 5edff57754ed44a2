import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { createVmIdentity, parameterArn, policyDocument, type IdentityTransforms, type VmIdentity } from "../identity/aws";
import { awsNames, stackTags } from "../names";
import { packUserData } from "../node";
import { secretRef } from "../secrets/names";
import { transform, type Transform } from "../transform";
import { encryptedRoot, metadataOptions, ubuntuImage, vmOptions } from "../vm/aws";
import type { EdgeAddresses, EdgeInputs } from "./types";

/** Per-resource escape hatches for the aws edge (see components/transform.ts). */
export interface AwsEdgeTransforms extends IdentityTransforms {
  instance?: Transform<aws.ec2.InstanceArgs>;
  networkInterface?: Transform<aws.ec2.NetworkInterfaceArgs>;
  address?: Transform<aws.ec2.EipArgs>;
  addressAssociation?: Transform<aws.ec2.EipAssociationArgs>;
}

export interface AwsEdge extends EdgeAddresses {
  instance: aws.ec2.Instance;
  address: aws.ec2.Eip;
  networkInterface: aws.ec2.NetworkInterface;
  identity: VmIdentity;
}

/**
 * The edge: an EC2 instance in the primary region's public subnet. Its network interface and Elastic
 * IP are created first and the instance boots on that interface, so it has its public address (and
 * the internet, for packages and ACME) from its first second, and keeps its private and public
 * address when it is replaced. Its own IAM role reads only the edge admin password.
 */
export function createEdge(
  name: string,
  args: EdgeInputs<"aws"> & { userData: string },
  t: AwsEdgeTransforms = {},
  parent: pulumi.Resource,
): AwsEdge {
  const { spec, cloud } = args;
  const net = args.network.handle;
  const region = cloud.primary.region;
  const provider = args.providers.handle.primary.provider;
  const opts = { provider, parent };
  const labels = { Name: awsNames.nameTag(spec.prefix, "edge"), "portage-role": "edge" };

  const caller = aws.getCallerIdentityOutput({}, opts);
  const password = secretRef({ provider: "aws", prefix: spec.prefix }, "EDGE_ADMIN_PASSWORD").ref;
  const policy = caller.apply((who) =>
    policyDocument([
      { Sid: "ReadEdgeAdminPassword", Effect: "Allow", Action: "ssm:GetParameter", Resource: parameterArn(who, region, password) },
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

  const networkInterface = new aws.ec2.NetworkInterface(
    ...transform(
      t.networkInterface,
      `${name}-interface`,
      {
        subnetId: net.primary.publicSubnet.id,
        securityGroups: [net.edgeSecurityGroup.id],
        description: `portage ${spec.prefix} edge`,
        tags: labels,
      },
      opts,
    ),
  );
  const address = new aws.ec2.Eip(...transform(t.address, `${name}-address`, { domain: "vpc", tags: labels }, opts));
  const association = new aws.ec2.EipAssociation(
    ...transform(
      t.addressAssociation,
      `${name}-address-association`,
      { allocationId: address.allocationId, networkInterfaceId: networkInterface.id },
      { ...opts, dependsOn: [net.primary.internetGateway] },
    ),
  );
  const instance = new aws.ec2.Instance(
    ...transform(
      t.instance,
      name,
      {
        ami: ubuntuImage(provider, parent, cloud.edge.machineType),
        instanceType: cloud.edge.machineType,
        primaryNetworkInterface: { networkInterfaceId: networkInterface.id },
        iamInstanceProfile: identity.profile.name,
        userDataBase64: packUserData(args.userData),
        userDataReplaceOnChange: true,
        metadataOptions,
        rootBlockDevice: encryptedRoot(),
        volumeTags: { ...stackTags(spec, "aws"), ...labels },
        tags: labels,
      },
      // The interface can serve one instance at a time: a replacement stops the old edge first.
      { ...opts, ...vmOptions, deleteBeforeReplace: true, dependsOn: [association, ...net.edgeBootDependencies] },
    ),
  );
  return { instance, address, networkInterface, identity, publicAddress: address.publicIp, privateAddress: instance.privateIp };
}
