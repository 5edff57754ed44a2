import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { transform, type Transform } from "../transform";

/** What the fleet and the edge share: the image, the hardening every VM gets, and its own identity. */

/** Canonical's account: the publisher of the official Ubuntu images. */
export const canonicalOwner = "099720109477";
export const ubuntuImageName = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*";

/** The newest Ubuntu 24.04 LTS amd64 image of the provider's region: one lookup per region. */
export function ubuntuAmi(provider: aws.Provider, parent: pulumi.Resource): pulumi.Output<string> {
  return aws.ec2
    .getAmiOutput(
      {
        owners: [canonicalOwner],
        mostRecent: true,
        filters: [
          { name: "name", values: [ubuntuImageName] },
          { name: "architecture", values: ["x86_64"] },
          { name: "virtualization-type", values: ["hvm"] },
        ],
      },
      { provider, parent },
    )
    .apply((ami) => ami.id);
}

/** IMDSv2 only (CKV_AWS_79); hop limit 1 so that nothing forwarded (a container) reaches the credentials. */
export const metadataOptions: aws.types.input.ec2.InstanceMetadataOptions = {
  httpEndpoint: "enabled",
  httpTokens: "required",
  httpPutResponseHopLimit: 1,
  instanceMetadataTags: "disabled",
};

/** Encrypted gp3 root volume (CKV_AWS_8) with the account's EBS key; `sizeGb` omitted keeps the image's size. */
export function encryptedRoot(sizeGb?: number): aws.types.input.ec2.InstanceRootBlockDevice {
  return { volumeType: "gp3", encrypted: true, deleteOnTermination: true, ...(sizeGb ? { volumeSize: sizeGb } : {}) };
}

/**
 * Options every VM gets. A new Ubuntu image every few weeks must not replace running VMs: the image
 * is read at creation only (replace a VM on purpose to move it to a newer image). A changed user-data
 * replaces the VM rather than rebooting it: cloud-init applies user-data once per instance, so a
 * reboot would change nothing but cost the VM's uptime.
 */
export const vmOptions: Pick<pulumi.CustomResourceOptions, "ignoreChanges"> = { ignoreChanges: ["ami"] };

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string | string[];
  Resource: string | string[];
}

/** An IAM policy document; built once and shared by every VM that gets the same grants. */
export function policyDocument(statements: PolicyStatement[]): string {
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
export const ec2TrustPolicy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/**
 * A VM's own IAM role and instance profile. The policy is inline and exclusive: the role holds exactly
 * the grants declared here (one added out of band is removed on the next `pulumi up`), and it is in
 * place before the profile, so before the VM boots. Roles live under the path `/portage/<prefix>/`,
 * so a stack's identities are easy to find and to audit.
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

/** IAM paths allow letters, digits and a few marks; the stack prefix is reduced to those. */
export function iamPath(prefix: string): string {
  return `/portage/${prefix.replace(/[^A-Za-z0-9_+=,.@-]/g, "-")}/`;
}
