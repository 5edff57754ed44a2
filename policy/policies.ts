import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { PortagePolicy } from "./define";
import { awsS3BucketGuarded, awsS3Encryption, awsS3PublicAccessBlock, awsS3Versioning } from "./aws-bucket";
import {
  awsRdsBackups,
  awsRdsDeletionProtection,
  awsRdsEncrypted,
  awsRdsFinalSnapshot,
  awsRdsPrivate,
  awsRdsTlsRequired,
} from "./aws-database";
import { awsPublicAddressOnlyOnEdge, awsInstanceEncryptedDisks, awsInstanceImdsv2, awsInstanceNoPublicIp } from "./aws-instance";
import { awsNoSshFromInternet, awsNoWorldIngressButWeb, awsSecurityGroupRulesDescribed, awsWebIngressOnlyOnEdge } from "./aws-network";
import { gcpStoragePublicAccessPrevention, gcpStorageUniformAccess, gcpStorageVersioning } from "./gcp-bucket";
import { gcpSqlBackups, gcpSqlDeletionProtection, gcpSqlFinalBackup, gcpSqlPrivate, gcpSqlTlsRequired } from "./gcp-database";
import { gcpFirewallRulesDescribed, gcpNoSshFromInternet, gcpNoWorldIngressButWebToEdge } from "./gcp-firewall";
import {
  gcpInstanceBlockProjectSshKeys,
  gcpInstanceNoFullScopeDefaultAccount,
  gcpInstanceNoPublicIp,
  gcpInstanceOwnServiceAccount,
  gcpInstanceSerialPortOff,
  gcpInstanceShieldedVm,
} from "./gcp-instance";

/** Every portage policy, both clouds: each one is an invariant of the security issue, all mandatory. */
export const policies: PortagePolicy<ResourceValidationPolicy | StackValidationPolicy>[] = [
  awsInstanceImdsv2,
  awsInstanceEncryptedDisks,
  awsInstanceNoPublicIp,
  awsPublicAddressOnlyOnEdge,
  awsNoSshFromInternet,
  awsNoWorldIngressButWeb,
  awsWebIngressOnlyOnEdge,
  awsSecurityGroupRulesDescribed,
  awsRdsPrivate,
  awsRdsEncrypted,
  awsRdsBackups,
  awsRdsDeletionProtection,
  awsRdsFinalSnapshot,
  awsRdsTlsRequired,
  awsS3PublicAccessBlock,
  awsS3Versioning,
  awsS3Encryption,
  awsS3BucketGuarded,
  gcpInstanceOwnServiceAccount,
  gcpInstanceNoFullScopeDefaultAccount,
  gcpInstanceShieldedVm,
  gcpInstanceBlockProjectSshKeys,
  gcpInstanceSerialPortOff,
  gcpInstanceNoPublicIp,
  gcpNoSshFromInternet,
  gcpNoWorldIngressButWebToEdge,
  gcpFirewallRulesDescribed,
  gcpSqlPrivate,
  gcpSqlTlsRequired,
  gcpSqlBackups,
  gcpSqlDeletionProtection,
  gcpSqlFinalBackup,
  gcpStoragePublicAccessPrevention,
  gcpStorageUniformAccess,
  gcpStorageVersioning,
];
