/**
 * Compile-time proof that every property the policies read exists, with that type, in the provider
 * SDKs' resource args (@pulumi/aws 7.x, @pulumi/gcp 9.x). `npm run typecheck` (tsc -p .) fails here,
 * naming the property path, when a provider renames or retypes one. Nothing here runs.
 */
import type * as aws from "@pulumi/aws";
import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import type { BucketEncryptionProps, BucketVersioningProps, PublicAccessBlockProps, S3BucketProps } from "../aws-bucket";
import type { RdsInstanceProps, RdsParameterGroupProps } from "../aws-database";
import type { AwsInstanceProps, SubnetProps } from "../aws-instance";
import type { InlineRule, SecurityGroupProps, SecurityGroupRuleProps, VpcRuleProps } from "../aws-rules";
import type { GcsBucketProps } from "../gcp-bucket";
import type { SqlInstanceProps } from "../gcp-database";
import type { GcpFirewallProps } from "../gcp-firewall";
import type { GcpInstanceProps } from "../gcp-instance";

/** The paths in `Mine` that `Theirs` lacks or types differently; `never` when all match. */
type Mismatch<Mine, Theirs, Path extends string = ""> = Mine extends readonly (infer M)[]
  ? Theirs extends readonly (infer T)[]
    ? Mismatch<M, T, `${Path}[]`>
    : Path
  : Mine extends object
    ? Theirs extends object
      ? {
          [K in keyof Mine & string]-?: K extends keyof Theirs
            ? Mismatch<NonNullable<Mine[K]>, NonNullable<Theirs[K]>, `${Path}.${K}`>
            : `${Path}.${K}`;
        }[keyof Mine & string]
      : Path
    : [Mine] extends [Theirs]
      ? never
      : Path;

type Args<T> = NonNullable<Unwrap<T>>;
/** Fails to compile, showing the mismatching paths, unless `T` is `never`. */
type None<T extends never> = T;

export type Checked = [
  None<Mismatch<AwsInstanceProps & { subnetId?: string }, Args<aws.ec2.InstanceArgs>>>,
  None<Mismatch<SubnetProps, Args<aws.ec2.SubnetArgs>>>,
  None<Mismatch<SecurityGroupProps, Args<aws.ec2.SecurityGroupArgs>>>,
  None<Mismatch<InlineRule, Args<aws.types.input.ec2.SecurityGroupIngress>>>,
  None<Mismatch<InlineRule, Args<aws.types.input.ec2.SecurityGroupEgress>>>,
  None<Mismatch<SecurityGroupRuleProps, Args<aws.ec2.SecurityGroupRuleArgs>>>,
  None<Mismatch<VpcRuleProps, Args<aws.vpc.SecurityGroupIngressRuleArgs>>>,
  None<Mismatch<VpcRuleProps, Args<aws.vpc.SecurityGroupEgressRuleArgs>>>,
  None<Mismatch<{ instance?: string; tags?: Record<string, string> }, Args<aws.ec2.EipArgs>>>,
  None<Mismatch<{ instanceId?: string }, Args<aws.ec2.EipAssociationArgs>>>,
  None<Mismatch<RdsInstanceProps, Args<aws.rds.InstanceArgs>>>,
  None<Mismatch<RdsParameterGroupProps, Args<aws.rds.ParameterGroupArgs>>>,
  None<Mismatch<PublicAccessBlockProps, Args<aws.s3.BucketPublicAccessBlockArgs>>>,
  None<Mismatch<BucketVersioningProps, Args<aws.s3.BucketVersioningArgs>>>,
  None<Mismatch<BucketVersioningProps, Args<aws.s3.BucketVersioningV2Args>>>,
  None<Mismatch<BucketEncryptionProps, Args<aws.s3.BucketServerSideEncryptionConfigurationArgs>>>,
  None<Mismatch<S3BucketProps, Args<aws.s3.BucketArgs>>>,
  None<Mismatch<GcpInstanceProps, Args<gcp.compute.InstanceArgs>>>,
  None<Mismatch<GcpFirewallProps, Args<gcp.compute.FirewallArgs>>>,
  None<Mismatch<SqlInstanceProps, Args<gcp.sql.DatabaseInstanceArgs>>>,
  None<Mismatch<GcsBucketProps, Args<gcp.storage.BucketArgs>>>,
];
