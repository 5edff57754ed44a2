import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CreatedNode, FleetArgs } from ".";
import type { NodeSpec } from "../config";
import { zoneSlots } from "../network/aws";
import { secretPathPrefix } from "../secrets/names";
import { transform, type Transform } from "../transform";
import {
  createVmIdentity,
  encryptedRoot,
  iamPath,
  metadataOptions,
  parameterArn,
  policyDocument,
  ubuntuAmi,
  vmOptions,
  type IdentityTransforms,
  type VmIdentity,
} from "./aws-vm";

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
export function createAwsFleet(
  name: string,
  args: FleetArgs & { userData: (node: NodeSpec) => pulumi.Output<string> },
  parent: pulumi.Resource,
): AwsFleet {
  const { spec, cloud } = args;
  const t = args.transform?.aws ?? {};
  const net = args.network.aws;
  const bucket = args.bucket.aws;
  if (!net || !bucket) throw new Error("the aws fleet needs the aws network and bucket");
  const primary = net.primary.region.region;

  // One lookup and one policy document, shared by every node.
  const caller = aws.getCallerIdentityOutput({}, { provider: cloud.awsProvider(primary), parent });
  const policy = pulumi.all([bucket.arn, caller]).apply(([arn, who]) =>
    policyDocument([
      { Sid: "ReadBucketObjects", Effect: "Allow", Action: "s3:GetObject", Resource: `${arn}/*` },
      { Sid: "ListBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: arn },
      {
        Sid: "ReadStackParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters"],
        Resource: parameterArn(who, primary, `${secretPathPrefix(spec)}*`),
      },
    ]),
  );
  const images = new Map<string, pulumi.Output<string>>();
  const imageOf = (region: string) => {
    if (!images.has(region)) images.set(region, ubuntuAmi(cloud.awsProvider(region), parent));
    return images.get(region) as pulumi.Output<string>;
  };

  const nodes = spec.fleet.nodes.map((node): AwsNode => {
    const region = net.region(node.region.region);
    const provider = cloud.awsProvider(node.region.region);
    const id = `${name}-${node.name}`;
    const labels = { Name: `${spec.prefix}-${node.name}`, "portage-role": "node" };
    const identity = createVmIdentity(
      id,
      {
        path: iamPath(spec.prefix),
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
          ami: imageOf(node.region.region),
          instanceType: spec.fleet.machineType,
          subnetId: subnet.id,
          vpcSecurityGroupIds: [region.nodeSecurityGroup.id],
          associatePublicIpAddress: false,
          iamInstanceProfile: identity.profile.name,
          userData: args.userData(node),
          userDataReplaceOnChange: true,
          metadataOptions,
          rootBlockDevice: encryptedRoot(spec.fleet.diskGb),
          // Provider default tags do not reach volumes created with the instance.
          volumeTags: { ...spec.tags, ...labels },
          tags: labels,
        },
        { provider, parent, ...vmOptions },
      ),
    );
    return { spec: node, privateAddress: instance.privateIp, instance, identity };
  });
  return { nodes };
}
