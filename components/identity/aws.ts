import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { resultsPrefix } from "../rollout/protocol";
import { transform, type Transform } from "../transform";

/** A VM's own identity on AWS: an IAM role with its grants inline, and the instance profile the VM wears. */

/** `{ "StringEquals": { "aws:SourceAccount": "123456789012" } }` */
export type PolicyCondition = Record<string, Record<string, string | string[]>>;

/** A statement of an identity's policy: what it may do on which resources. */
export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: PolicyCondition;
}

/** A statement of a role's trust policy: who may assume it (no resource: the role is the resource). */
export interface TrustStatement {
  Effect: "Allow" | "Deny";
  Principal: { Service: string } | { Federated: string } | { AWS: string | string[] };
  Action: string | string[];
  Condition?: PolicyCondition;
}

/**
 * Lets a VM's agent write its own results (`agents/results/<agent>/`) and nothing else of the bucket:
 * what it reports cannot be mistaken for another VM's. PutObject only: a result is overwritten in
 * place (started, then its end), which S3 allows without DeleteObject.
 */
export function resultsWriteStatement(bucketArn: string, agent: string): PolicyStatement {
  return { Sid: "WriteOwnResults", Effect: "Allow", Action: "s3:PutObject", Resource: `${bucketArn}/${resultsPrefix(agent)}*` };
}

/** An IAM policy document (a role's grants or its trust); built once and shared by every VM that gets the same grants. */
export function policyDocument(statements: PolicyStatement[] | TrustStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

export interface IdentityTransforms {
  /** The role, with its policy inline (`inlinePolicies`). */
  role?: Transform<aws.iam.RoleArgs>;
  instanceProfile?: Transform<aws.iam.InstanceProfileArgs>;
}

export interface VmIdentity {
  role: aws.iam.Role;
  profile: aws.iam.InstanceProfile;
}

/** The name of the one inline policy each VM role has. */
export const vmPolicyName = "portage";

/** The EC2 service may assume the role; nobody else. */
export const ec2TrustPolicy = policyDocument([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);

/**
 * A VM's own IAM role and instance profile. The policy is inline and exclusive: the role holds exactly
 * the grants declared here (one added out of band is removed on the next `pulumi up`), and it is in
 * place before the profile, so before the VM boots. Roles live under the path `/portage/<prefix>/`
 * (names.awsNames.iamPath), so a stack's identities are easy to find and to audit.
 */
export function createVmIdentity(
  name: string,
  what: { path: string; description: string; policy: pulumi.Input<string>; tags: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
  t: IdentityTransforms,
): VmIdentity {
  const role = new aws.iam.Role(
    ...transform(
      t.role,
      `${name}-role`,
      {
        path: what.path,
        description: what.description,
        assumeRolePolicy: ec2TrustPolicy,
        inlinePolicies: [{ name: vmPolicyName, policy: what.policy }],
        tags: what.tags,
      },
      opts,
    ),
  );
  const profile = new aws.iam.InstanceProfile(
    ...transform(t.instanceProfile, `${name}-profile`, { path: what.path, role: role.name, tags: what.tags }, opts),
  );
  return { role, profile };
}

/** `arn:<partition>:ssm:<region>:<account>:parameter/<name>`, with the partition taken from the caller's ARN. */
export function parameterArn(caller: aws.GetCallerIdentityResult, region: string, name: string): string {
  const partition = caller.arn.split(":")[1] ?? "aws";
  return `arn:${partition}:ssm:${region}:${caller.accountId}:parameter${name.startsWith("/") ? name : `/${name}`}`;
}
