import type { OfflineResult, RecordedResource } from "../../tools/offline/run";
import type { StackConfig } from "../../tools/offline/stack";
import { all, one, runOn, runStackFileOn, type Run } from "../support/stack";

export const A = {
  provider: "pulumi:providers:aws",
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  igw: "aws:ec2/internetGateway:InternetGateway",
  eip: "aws:ec2/eip:Eip",
  nat: "aws:ec2/natGateway:NatGateway",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  accepter: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  instance: "aws:ec2/instance:Instance",
  eni: "aws:ec2/networkInterface:NetworkInterface",
  eipAssociation: "aws:ec2/eipAssociation:EipAssociation",
  role: "aws:iam/role:Role",
  profile: "aws:iam/instanceProfile:InstanceProfile",
  bucket: "aws:s3/bucket:Bucket",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  db: "aws:rds/instance:Instance",
  dbSubnets: "aws:rds/subnetGroup:SubnetGroup",
  dbParameters: "aws:rds/parameterGroup:ParameterGroup",
  parameter: "aws:ssm/parameter:Parameter",
  zone: "aws:route53/zone:Zone",
  zoneAssociation: "aws:route53/zoneAssociation:ZoneAssociation",
  record: "aws:route53/record:Record",
} as const;

export { all, one, type Run };

/** Runs the program on aws with a valid config plus `overrides`; fails the test if the program threw. */
export const runAws = (overrides: StackConfig = {}, stackName = "dev"): Promise<Run> => runOn("aws", overrides, stackName);

/** Runs a stack file (Pulumi.<stack>.yaml) on aws. */
export const runAwsStack = (stack: string, overrides: StackConfig = {}): Promise<Run> => runStackFileOn("aws", stack, overrides);

/** The region of the AWS provider a resource was created with. */
export function regionOf(run: OfflineResult<unknown>, r: RecordedResource): string {
  const urn = r.options.provider?.split("::").slice(0, 4).join("::");
  const provider = run.resources.find((p) => p.type === A.provider && p.urn === urn);
  if (!provider) throw new Error(`${r.type} ${r.name} has no explicit aws provider`);
  return String(provider.inputs.region);
}

/** The mock runtime gives every resource the id `<name>-id`: a reference to a resource by name. */
export const idOf = (name: string) => `${name}-id`;

/** The node VMs (the edge is `edge`). */
export function nodeInstances(run: Run): RecordedResource[] {
  return all(run, A.instance).filter((r) => r.name.startsWith("fleet-"));
}

export interface PolicyDocument {
  Version: string;
  Statement: {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Resource: string | string[];
    Principal?: unknown;
    Condition?: unknown;
  }[];
}

export function policyOf(r: RecordedResource, key = "policy"): PolicyDocument {
  return JSON.parse(String(r.inputs[key])) as PolicyDocument;
}

/** The one policy a VM role holds (inline, named "portage"). */
export function vmPolicy(role: RecordedResource): PolicyDocument {
  const doc = inlinePolicies(role).portage;
  if (!doc) throw new Error(`role ${role.name} has no inline policy "portage"`);
  return doc;
}

/** A VM role's inline policies, by name. */
export function inlinePolicies(role: RecordedResource): Record<string, PolicyDocument> {
  const list = (role.inputs.inlinePolicies ?? []) as { name: string; policy: string }[];
  return Object.fromEntries(list.map((p) => [p.name, JSON.parse(p.policy) as PolicyDocument]));
}

/** Every (action, resource) pair a policy allows, sorted: what least privilege is judged on. */
export function grants(doc: PolicyDocument): string[] {
  const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
  return doc.Statement.filter((s) => s.Effect === "Allow")
    .flatMap((s) => list(s.Action).flatMap((a) => list(s.Resource).map((res) => `${a} ${res}`)))
    .sort();
}
