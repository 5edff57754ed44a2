/**
 * Each cloud's rules for the names portage gives it, with where each rule is documented. The name
 * functions (aws.ts, gcp.ts, index.ts) make names that pass these; test/unit/names.test.ts and
 * test/stack/names.test.ts check every recorded name of extreme configs against them.
 */
export interface NameRule {
  /** What the cloud calls the name. */
  what: string;
  min: number;
  max: number;
  /** The whole name must match. */
  pattern: RegExp;
  /** Further refusals: a test and what it refuses. */
  refuses?: [(name: string) => boolean, string][];
  /** Where the rule comes from. */
  doc: string;
}

/** Why a name breaks a rule, or undefined when it is valid. */
export function nameProblem(rule: NameRule, name: string): string | undefined {
  if (name.length < rule.min || name.length > rule.max) {
    return `${rule.what} ${JSON.stringify(name)} is ${name.length} characters; ${rule.min}-${rule.max} allowed (${rule.doc})`;
  }
  if (!rule.pattern.test(name)) return `${rule.what} ${JSON.stringify(name)} does not match ${rule.pattern} (${rule.doc})`;
  const refused = rule.refuses?.find(([test]) => test(name));
  return refused ? `${rule.what} ${JSON.stringify(name)}: ${refused[1]} (${rule.doc})` : undefined;
}

const noDoubleHyphen: [(name: string) => boolean, string] = [(n) => n.includes("--"), "no two hyphens in a row"];
const rfc1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const rules = {
  /** A Pulumi stack name, what the stack's names start from. */
  stackName: {
    what: "Pulumi stack name",
    min: 1,
    max: 100,
    pattern: /^[A-Za-z0-9_.-]+$/,
    doc: "pulumi/pulumi pkg/backend: stack names are limited to 100 characters and may only contain alphanumeric, hyphens, underscores, or periods",
  },

  // AWS
  awsTagKey: {
    what: "AWS tag key",
    min: 1,
    max: 128,
    pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
    refuses: [[(n) => n.toLowerCase().startsWith("aws:"), "the aws: prefix is reserved"]],
    doc: "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html",
  },
  awsTagValue: {
    what: "AWS tag value",
    min: 0,
    max: 256,
    pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
    doc: "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html",
  },
  elbName: {
    what: "Elastic Load Balancing name (load balancer or target group)",
    min: 1,
    max: 32,
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
    refuses: [[(n) => n.startsWith("internal-"), 'no "internal-" prefix']],
    doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
  },
  ssmParameterName: {
    what: "SSM parameter name",
    min: 1,
    max: 1011,
    pattern: /^\/[A-Za-z0-9_.\-/]+$/,
    refuses: [
      [(n) => /^\/?(aws|ssm)/i.test(n), "names may not begin with aws or ssm"],
      [(n) => n.split("/").length - 1 > 15, "at most 15 levels of hierarchy"],
    ],
    doc: "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html",
  },
  /** `bucketPrefix`: AWS appends a unique 26-character suffix, so the prefix's own limit is 37. */
  s3BucketPrefix: {
    what: "S3 bucket prefix",
    min: 1,
    max: 37,
    pattern: /^[a-z0-9][a-z0-9.-]*$/,
    refuses: [
      [(n) => n.includes(".."), "no two periods in a row"],
      [(n) => n.includes("."), "no periods: virtual-hosted TLS certificates do not cover them"],
      [(n) => /^(xn--|sthree-|amzn-s3-demo-)/.test(n), "the prefixes xn--, sthree- and amzn-s3-demo- are reserved"],
    ],
    doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html; bucketPrefix <= 37: https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucket/",
  },
  rdsInstanceIdentifier: {
    what: "RDS DB instance identifier",
    min: 1,
    max: 63,
    pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/,
    refuses: [noDoubleHyphen],
    doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBInstanceIdentifier)",
  },
  rdsSnapshotIdentifier: {
    what: "RDS final snapshot identifier",
    min: 1,
    max: 255,
    pattern: /^[a-zA-Z]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    refuses: [noDoubleHyphen],
    doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html (FinalDBSnapshotIdentifier)",
  },
  rdsGroupName: {
    what: "RDS parameter or subnet group name",
    min: 1,
    max: 255,
    pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/,
    refuses: [noDoubleHyphen],
    doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html",
  },
  rdsMasterUsername: {
    what: "RDS master user name",
    min: 1,
    max: 16,
    pattern: /^[A-Za-z][A-Za-z0-9_]*$/,
    doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (MasterUsername); https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.html",
  },
  rdsDatabaseName: {
    what: "RDS for PostgreSQL database name",
    min: 1,
    max: 63,
    pattern: /^[A-Za-z][A-Za-z0-9_]*$/,
    doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBName)",
  },
  iamName: {
    what: "IAM role name",
    min: 1,
    max: 64,
    pattern: /^[\w+=,.@-]+$/,
    doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
  },
  iamInstanceProfileName: {
    what: "IAM instance profile name",
    min: 1,
    max: 128,
    pattern: /^[\w+=,.@-]+$/,
    doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html",
  },
  iamPath: {
    what: "IAM path",
    min: 1,
    max: 512,
    pattern: /^(\/|\/[\u0021-\u007E]+\/)$/,
    doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (Path)",
  },
  securityGroupName: {
    what: "security group name",
    min: 1,
    max: 255,
    pattern: /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/,
    refuses: [[(n) => n.startsWith("sg-"), "names may not start with sg-"]],
    doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
  },
  securityGroupDescription: {
    what: "security group description",
    min: 0,
    max: 255,
    pattern: /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/,
    doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
  },
  securityGroupRuleDescription: {
    what: "security group rule description",
    min: 0,
    max: 255,
    pattern: /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/,
    doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html",
  },

  // GCP
  gcpLabelKey: {
    what: "GCP label key",
    min: 1,
    max: 63,
    pattern: /^[a-z][a-z0-9_-]*$/,
    doc: "https://cloud.google.com/compute/docs/labeling-resources#requirements",
  },
  gcpLabelValue: {
    what: "GCP label value",
    min: 0,
    max: 63,
    pattern: /^[a-z0-9_-]*$/,
    doc: "https://cloud.google.com/compute/docs/labeling-resources#requirements",
  },
  /** Compute Engine names (VMs, networks, subnets, firewalls, routers, addresses), network tags. */
  gcpResourceName: {
    what: "GCP resource name",
    min: 1,
    max: 63,
    pattern: rfc1035,
    doc: "https://cloud.google.com/compute/docs/naming-resources#resource-name-format",
  },
  gcpServiceAccountId: {
    what: "GCP service account id",
    min: 6,
    max: 30,
    pattern: rfc1035,
    doc: "https://cloud.google.com/iam/docs/service-accounts-create",
  },
  secretManagerId: {
    what: "Secret Manager secret id",
    min: 1,
    max: 255,
    pattern: /^[A-Za-z0-9_-]+$/,
    doc: "https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/create",
  },
  cloudSqlInstanceName: {
    what: "Cloud SQL instance name",
    min: 1,
    // The project id and the instance name together are at most 98; project ids are at most 30.
    max: 67,
    pattern: rfc1035,
    doc: "https://cloud.google.com/sql/docs/postgres/create-instance",
  },
  gcsBucketName: {
    what: "Cloud Storage bucket name",
    min: 3,
    max: 63,
    pattern: /^[a-z0-9][a-z0-9_-]*[a-z0-9]$/,
    refuses: [[(n) => n.startsWith("goog") || n.includes("google"), "goog and google are reserved"]],
    doc: "https://cloud.google.com/storage/docs/buckets#naming",
  },
  cloudDnsZoneName: {
    what: "Cloud DNS managed zone name",
    min: 1,
    max: 63,
    pattern: rfc1035,
    doc: "https://cloud.google.com/dns/docs/reference/rest/v1/managedZones",
  },
  iamConditionTitle: {
    what: "IAM condition title",
    min: 1,
    max: 100,
    pattern: /^[^\n]+$/,
    doc: "https://cloud.google.com/iam/docs/conditions-overview#structure",
  },

  // Both
  dnsLabel: {
    what: "DNS label",
    min: 1,
    max: 63,
    pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    doc: "RFC 1035 section 2.3.1, RFC 1123 section 2.1",
  },
  postgresIdentifier: {
    what: "Postgres identifier",
    min: 1,
    max: 63,
    pattern: /^[a-z_][a-z0-9_]*$/,
    doc: "https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS",
  },
} satisfies Record<string, NameRule>;

/** A DNS name: labels that pass `rules.dnsLabel`, at most 253 characters. */
export function dnsNameProblem(name: string): string | undefined {
  const bare = name.replace(/\.$/, "");
  if (bare.length > 253) return `DNS name ${JSON.stringify(name)} is longer than 253 characters (RFC 1035 section 2.3.4)`;
  for (const label of bare.split(".")) {
    const problem = nameProblem(rules.dnsLabel, label);
    if (problem) return problem;
  }
  return undefined;
}
