import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { edgesShareCertificate, zoneSlots, type NodeSpec } from "../config";
import { sharedCertificateKey } from "../edge/names";
import { createVmIdentity, parameterArn, policyDocument, type IdentityTransforms, type VmIdentity } from "../identity/aws";
import { awsNames, stackTags } from "../names";
import { packUserData } from "../node";
import type { AwsRegionNetwork } from "../network";
import { transform, type Transform } from "../transform";
import { encryptedRoot, metadataOptions, ubuntuImage, vmOptions } from "../vm/aws";
import type { CreatedNode, FleetInputs } from "./types";

/** Per-resource escape hatches for the aws fleet (see components/transform.ts); called once per node. */
export interface AwsFleetTransforms extends IdentityTransforms {
  /** e.g. `{ monitoring: true }`, or `(args, opts, name) => ...` for one node. */
  instance?: Transform<aws.ec2.InstanceArgs>;
}

export interface AwsNode extends CreatedNode {
  instance: aws.ec2.Instance;
  identity: VmIdentity;
}

export type AwsFleet = { nodes: AwsNode[] };

/**
 * One EC2 instance per node in its region's node subnets, zone slot `index % 3` (so nodes spread over
 * zones and a node keeps its zone as the fleet grows). Private address only, IMDSv2, encrypted root,
 * and its own IAM role that reads the bucket and the stack's SSM parameters, nothing more.
 * Every input of a node depends on that node and the spec only, never on the number of nodes.
 */
export function createFleet(
  name: string,
  args: FleetInputs<"aws"> & { userData: (node: NodeSpec) => pulumi.Output<string> },
  t: AwsFleetTransforms = {},
  parent: pulumi.Resource,
): AwsFleet {
  const { spec, cloud } = args;
  const providers = args.providers.handle;
  const net = args.network.handle;
  const bucket = args.bucket.handle;
  const primary = cloud.primary.region;

  // One lookup and one policy document, shared by every node.
  const caller = aws.getCallerIdentityOutput({}, { provider: providers.primary.provider, parent });
  const policy = pulumi.all([bucket.arn, caller]).apply(([arn, who]) =>
    policyDocument([
      { Sid: "ReadBucketObjects", Effect: "Allow", Action: "s3:GetObject", Resource: `${arn}/*` },
      { Sid: "ListBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: arn },
      {
        Sid: "ReadStackParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters"],
        Resource: parameterArn(who, primary, `${awsNames.parameterPath(spec.prefix)}*`),
      },
      // The edges' shared certificate (and its private key) is theirs alone.
      ...(edgesShareCertificate(spec, cloud)
        ? [
            {
              Sid: "NotTheEdgeCertificate",
              Effect: "Deny" as const,
              Action: "s3:GetObject",
              Resource: `${arn}/${sharedCertificateKey(spec)}`,
            },
          ]
        : []),
    ]),
  );
  // Region by region (the order of cloud.nodes), with one image lookup per region.
  const nodes = net.regions.flatMap((region) => {
    const image = ubuntuImage(region.provider, parent, cloud.fleet.machineType);
    return cloud.nodes.filter((node) => node.region === region.region).map((node) => createNode(node, region, image));
  });
  return { nodes };

  function createNode(node: NodeSpec, region: AwsRegionNetwork, image: pulumi.Output<string>): AwsNode {
    const provider = region.provider;
    const id = `${name}-${node.name}`;
    const labels = { Name: awsNames.nameTag(spec.prefix, node.name), "portage-role": "node" };
    const identity = createVmIdentity(
      id,
      {
        path: awsNames.iamPath(spec.prefix),
        description: `portage ${spec.prefix} node ${node.name}: reads the bucket and the stack parameters`,
        policy,
        tags: labels,
      },
      { provider, parent },
      t,
    );
    const subnet = region.nodeSubnets[node.index % zoneSlots] as aws.ec2.Subnet;
    const instance = new aws.ec2.Instance(
      ...transform(
        t.instance,
        id,
        {
          ami: image,
          instanceType: cloud.fleet.machineType,
          subnetId: subnet.id,
          vpcSecurityGroupIds: [region.nodeSecurityGroup.id],
          associatePublicIpAddress: false,
          iamInstanceProfile: identity.profile.name,
          userDataBase64: args.userData(node).apply(packUserData),
          userDataReplaceOnChange: true,
          metadataOptions,
          rootBlockDevice: encryptedRoot(spec.fleet.diskGb),
          // Provider default tags do not reach volumes created with the instance.
          volumeTags: { ...stackTags(spec, "aws"), ...labels },
          tags: labels,
        },
        // First boot installs packages once: the node's way out exists before it starts.
        { provider, parent, ...vmOptions, dependsOn: region.nodeBootDependencies },
      ),
    );
    return { spec: node, privateAddress: instance.privateIp, instance, identity };
  }
}
