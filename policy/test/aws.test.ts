import { describe, expect, it } from "vitest";
import { awsS3BucketGuarded, awsS3Encryption, awsS3PublicAccessBlock, awsS3Versioning } from "../aws-bucket";
import {
  awsRdsBackups,
  awsRdsDeletionProtection,
  awsRdsEncrypted,
  awsRdsFinalSnapshot,
  awsRdsPrivate,
  awsRdsTlsRequired,
} from "../aws-database";
import { awsPublicAddressOnlyOnEdge, awsInstanceEncryptedDisks, awsInstanceImdsv2, awsInstanceNoPublicIp } from "../aws-instance";
import { awsNoSshFromInternet, awsNoWorldIngressButWeb, awsSecurityGroupRulesDescribed, awsWebIngressOnlyOnEdge } from "../aws-network";
import { awsDevProvider, awsProductionProvider, resourceViolations, stackViolations } from "./harness";

const instance = "aws:ec2/instance:Instance";
const group = "aws:ec2/securityGroup:SecurityGroup";
const groupRule = "aws:ec2/securityGroupRule:SecurityGroupRule";
const ingressRule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const rds = "aws:rds/instance:Instance";

/** A node as portage's fleet declares it (inputs after the provider's defaults). */
const node = {
  ami: "ami-0a1b2c3d4e5f60718",
  instanceType: "t3.small",
  subnetId: "subnet-0private1",
  vpcSecurityGroupIds: ["sg-0node"],
  iamInstanceProfile: "hello-dev-node",
  userDataBase64: "I2Nsb3VkLWNvbmZpZw==",
  metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
  rootBlockDevice: { encrypted: true, volumeSize: 20, volumeType: "gp3", deleteOnTermination: true },
  tags: { Name: "hello-dev-virginia-1", "portage-role": "node" },
};
const edge = { ...node, subnetId: "subnet-0public1", tags: { Name: "hello-dev-edge", "portage-role": "edge" } };

describe("aws instances", () => {
  it("aws-instance-imdsv2 (CKV_AWS_79): passes IMDSv2 with hop limit 1", async () => {
    expect(await resourceViolations(awsInstanceImdsv2, instance, node)).toEqual([]);
  });

  it("aws-instance-imdsv2 (CKV_AWS_79): fails IMDSv1 and a hop limit of 2", async () => {
    const found = await resourceViolations(awsInstanceImdsv2, instance, {
      ...node,
      metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 },
    });
    expect(found).toEqual([expect.stringContaining('httpTokens is "optional"'), expect.stringContaining("httpPutResponseHopLimit is 2")]);
  });

  it("aws-instance-imdsv2 (CKV_AWS_79): fails an instance that leaves metadataOptions to the defaults", async () => {
    const { metadataOptions: _, ...defaults } = node;
    expect(await resourceViolations(awsInstanceImdsv2, instance, defaults)).toEqual([
      expect.stringContaining("httpTokens is not set"),
      expect.stringContaining("httpPutResponseHopLimit is not set"),
    ]);
  });

  it("aws-instance-encrypted-disks (CKV_AWS_8): passes an encrypted root volume", async () => {
    expect(await resourceViolations(awsInstanceEncryptedDisks, instance, node)).toEqual([]);
  });

  it("aws-instance-encrypted-disks (CKV_AWS_8): fails an unencrypted root and data volume", async () => {
    const found = await resourceViolations(awsInstanceEncryptedDisks, instance, {
      ...node,
      rootBlockDevice: { volumeSize: 20 },
      ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 100, encrypted: false }],
    });
    expect(found).toEqual([
      expect.stringContaining("rootBlockDevice.encrypted is not set"),
      expect.stringContaining("ebsBlockDevices[0] (/dev/sdf)"),
    ]);
  });

  it("aws-instance-no-public-ip (CKV_AWS_88): passes a private node and the public edge", async () => {
    expect(await resourceViolations(awsInstanceNoPublicIp, instance, node)).toEqual([]);
    expect(await resourceViolations(awsInstanceNoPublicIp, instance, { ...edge, associatePublicIpAddress: true })).toEqual([]);
  });

  it("aws-instance-no-public-ip (CKV_AWS_88): fails a node with a public address", async () => {
    expect(await resourceViolations(awsInstanceNoPublicIp, instance, { ...node, associatePublicIpAddress: true })).toEqual([
      expect.stringContaining("not the edge (portage-role=edge)"),
    ]);
  });

  it("aws-public-address-only-on-edge (CKV_AWS_88): passes an Elastic IP on the edge, fails one on a node", async () => {
    const resources = (target: string) => [
      { type: instance, name: "edge-vm", urn: "urn:edge", props: { ...edge, id: "i-0edge" } },
      { type: instance, name: "fleet-virginia-1", urn: "urn:node", props: { ...node, id: "i-0node" } },
      {
        type: "aws:ec2/eip:Eip",
        name: "edge-address",
        urn: "urn:eip",
        props: { domain: "vpc", instance: target },
        dependencies: [target === "i-0edge" ? "urn:edge" : "urn:node"],
      },
    ];
    expect(await stackViolations(awsPublicAddressOnlyOnEdge, resources("i-0edge"))).toEqual([]);
    expect(await stackViolations(awsPublicAddressOnlyOnEdge, resources("i-0node"))).toEqual([
      "edge-address: edge-address gives instance fleet-virginia-1 a public address, but only the edge (portage-role=edge) may have one.",
    ]);
  });

  it("aws-public-address-only-on-edge (CKV_AWS_88): fails a node launched in a subnet that maps public addresses", async () => {
    const resources = (mapPublicIpOnLaunch: boolean) => [
      {
        type: "aws:ec2/subnet:Subnet",
        name: "network-virginia-public-a",
        urn: "urn:subnet",
        props: { cidrBlock: "10.100.0.0/24", mapPublicIpOnLaunch },
      },
      { type: instance, name: "fleet-virginia-1", urn: "urn:node", props: node, propertyDependencies: { subnetId: ["urn:subnet"] } },
    ];
    expect(await stackViolations(awsPublicAddressOnlyOnEdge, resources(false))).toEqual([]);
    expect(await stackViolations(awsPublicAddressOnlyOnEdge, resources(true))).toEqual([
      "fleet-virginia-1: fleet-virginia-1 is launched in subnet network-virginia-public-a, which gives every instance a public address; nodes go in private subnets.",
    ]);
  });
});

const edgeGroup = {
  description: "hello-dev edge: web from anywhere, SSH from the admin ranges",
  vpcId: "vpc-0a",
  ingress: [
    {
      protocol: "tcp",
      fromPort: 80,
      toPort: 80,
      cidrBlocks: ["0.0.0.0/0"],
      ipv6CidrBlocks: ["::/0"],
      description: "HTTP from anywhere: the app's entry",
    },
    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS from anywhere: the app's entry" },
    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["203.0.113.0/24"], description: "SSH from portage:access.adminCidrs" },
  ],
  egress: [
    { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "Anything out: package mirrors, the clouds' APIs" },
  ],
  tags: { "portage-role": "edge" },
};
const nodeGroup = {
  description: "hello-dev nodes: app ports and SSH from the edge, cluster traffic between nodes",
  vpcId: "vpc-0a",
  ingress: [
    { protocol: "tcp", fromPort: 4000, toPort: 4001, securityGroups: ["sg-0edge"], description: "Blue and green app ports from the edge" },
  ],
  tags: { "portage-role": "node" },
};

describe("aws security groups", () => {
  it("aws-no-ssh-from-internet (CKV_AWS_24): passes SSH from the admin range", async () => {
    expect(await resourceViolations(awsNoSshFromInternet, group, edgeGroup)).toEqual([]);
  });

  it("aws-no-ssh-from-internet (CKV_AWS_24): fails SSH from ::/0, inline or as a rule resource", async () => {
    const open = { ...edgeGroup, ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["::/0"], description: "SSH" }] };
    expect(await resourceViolations(awsNoSshFromInternet, group, open)).toEqual([
      "ingress[0] (tcp 22) lets SSH in from ::/0; SSH reaches the edge from portage:access.adminCidrs only.",
    ]);
    const rule = { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", securityGroupId: "sg-0edge", description: "everything" };
    expect(await resourceViolations(awsNoSshFromInternet, ingressRule, rule)).toEqual([
      "the rule (all traffic) lets SSH in from 0.0.0.0/0; SSH reaches the edge from portage:access.adminCidrs only.",
    ]);
  });

  it("aws-no-world-ingress-but-web: passes 80/443 from anywhere and egress to anywhere", async () => {
    expect(await resourceViolations(awsNoWorldIngressButWeb, group, edgeGroup)).toEqual([]);
  });

  it("aws-no-world-ingress-but-web: fails the Erlang distribution range open to the internet", async () => {
    const rule = {
      type: "ingress",
      protocol: "tcp",
      fromPort: 9100,
      toPort: 9155,
      cidrBlocks: ["0.0.0.0/0"],
      securityGroupId: "sg-0node",
      description: "dist",
    };
    expect(await resourceViolations(awsNoWorldIngressButWeb, groupRule, rule)).toEqual([
      "the rule (tcp 9100-9155) opens ports 9100-9155 to 0.0.0.0/0; only TCP 80 and 443 on the edge may be reached from the internet.",
    ]);
  });

  it("aws-no-world-ingress-but-web: fails a web range that also covers other ports", async () => {
    const rule = { ipProtocol: "tcp", fromPort: 80, toPort: 443, cidrIpv4: "0.0.0.0/0", securityGroupId: "sg-0edge", description: "web" };
    expect(await resourceViolations(awsNoWorldIngressButWeb, ingressRule, rule)).toEqual([
      expect.stringContaining("opens ports 80-443 to 0.0.0.0/0"),
    ]);
  });

  it("aws-web-ingress-only-on-edge: passes web rules on the edge's group, fails them on a node's group", async () => {
    const web = { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", securityGroupId: "sg-0x", description: "HTTPS" };
    const stack = (groupUrn: string) => [
      { type: group, name: "network-edge", urn: "urn:sg-edge", props: edgeGroup },
      { type: group, name: "network-node", urn: "urn:sg-node", props: nodeGroup },
      { type: ingressRule, name: "network-https", urn: "urn:rule", props: web, propertyDependencies: { securityGroupId: [groupUrn] } },
    ];
    expect(await stackViolations(awsWebIngressOnlyOnEdge, stack("urn:sg-edge"))).toEqual([]);
    expect(await stackViolations(awsWebIngressOnlyOnEdge, stack("urn:sg-node"))).toEqual([
      "network-https: network-https: the rule (tcp 443) opens port 443 to 0.0.0.0/0 on security group network-node, which is not the edge's (portage-role=edge).",
    ]);
  });

  it("aws-security-group-rules-described (CKV_AWS_23): passes described groups and rules", async () => {
    expect(await resourceViolations(awsSecurityGroupRulesDescribed, group, edgeGroup)).toEqual([]);
  });

  it("aws-security-group-rules-described (CKV_AWS_23): fails the default group description and a bare rule", async () => {
    const bare = {
      ...nodeGroup,
      description: "Managed by Pulumi",
      ingress: [{ protocol: "tcp", fromPort: 4369, toPort: 4369, self: true }],
    };
    expect(await resourceViolations(awsSecurityGroupRulesDescribed, group, bare)).toEqual([
      expect.stringContaining('"Managed by Pulumi" (the default)'),
      "ingress[0] (tcp 4369) has no description; say what it lets in and why.",
    ]);
  });
});

/** The database as portage declares it in a production stack. */
const database = {
  engine: "postgres",
  engineVersion: "16",
  instanceClass: "db.t4g.medium",
  allocatedStorage: 50,
  dbSubnetGroupName: "hello-prod-db",
  parameterGroupName: "hello-prod-pg16",
  publiclyAccessible: false,
  storageEncrypted: true,
  backupRetentionPeriod: 14,
  deletionProtection: true,
  skipFinalSnapshot: false,
  finalSnapshotIdentifier: "hello-prod-final",
  multiAz: true,
  tags: { "portage-role": "database" },
};

describe("aws database", () => {
  it("aws-rds-private (CKV_AWS_17): passes a private instance, fails a public one", async () => {
    expect(await resourceViolations(awsRdsPrivate, rds, database)).toEqual([]);
    expect(await resourceViolations(awsRdsPrivate, rds, { ...database, publiclyAccessible: true })).toEqual([
      expect.stringContaining("publiclyAccessible is true"),
    ]);
  });

  it("aws-rds-encrypted (CKV_AWS_16): passes encrypted storage, fails the default", async () => {
    expect(await resourceViolations(awsRdsEncrypted, rds, database)).toEqual([]);
    const { storageEncrypted: _, ...unencrypted } = database;
    expect(await resourceViolations(awsRdsEncrypted, rds, unencrypted)).toEqual(["storageEncrypted is not set; set it to true."]);
  });

  it("aws-rds-backups (CKV_AWS_133): passes 14 days, fails 0", async () => {
    expect(await resourceViolations(awsRdsBackups, rds, database)).toEqual([]);
    expect(await resourceViolations(awsRdsBackups, rds, { ...database, backupRetentionPeriod: 0 })).toEqual([
      expect.stringContaining("backupRetentionPeriod is 0"),
    ]);
  });

  it("aws-rds-deletion-protection (CKV_AWS_293): production needs it (from the provider's default tags); dev does not", async () => {
    const unprotected = { ...database, deletionProtection: false };
    expect(await resourceViolations(awsRdsDeletionProtection, rds, database, { provider: awsProductionProvider })).toEqual([]);
    expect(await resourceViolations(awsRdsDeletionProtection, rds, unprotected, { provider: awsProductionProvider })).toEqual([
      "deletionProtection is false on a production database (portage-production=true); set it to true.",
    ]);
    expect(await resourceViolations(awsRdsDeletionProtection, rds, unprotected, { provider: awsDevProvider })).toEqual([]);
  });

  it("a production database a migration lets go of (portage-leaving) may drop its deletion protection, never its final snapshot", async () => {
    const letGo = { ...database, deletionProtection: false, tags: { ...database.tags, "portage-leaving": "cancelled" } };
    expect(await resourceViolations(awsRdsDeletionProtection, rds, letGo, { provider: awsProductionProvider })).toEqual([]);
    const skipping = { ...letGo, skipFinalSnapshot: true, finalSnapshotIdentifier: undefined };
    expect(await resourceViolations(awsRdsFinalSnapshot, rds, skipping, { provider: awsProductionProvider })).toEqual([
      expect.stringContaining("skipFinalSnapshot is true"),
    ]);
  });

  it("aws-rds-final-snapshot: production keeps a final snapshot; dev may skip it", async () => {
    const skipping = { ...database, skipFinalSnapshot: true, finalSnapshotIdentifier: undefined };
    expect(await resourceViolations(awsRdsFinalSnapshot, rds, database, { provider: awsProductionProvider })).toEqual([]);
    expect(await resourceViolations(awsRdsFinalSnapshot, rds, skipping, { provider: awsProductionProvider })).toEqual([
      expect.stringContaining("skipFinalSnapshot is true"),
    ]);
    expect(
      await resourceViolations(
        awsRdsFinalSnapshot,
        rds,
        { ...skipping, tags: { "portage-production": "false" } },
        { provider: awsProductionProvider },
      ),
    ).toEqual([]);
  });

  it("aws-rds-deletion-protection: a production read replica passes without it (removing it from database.replicas deletes it)", async () => {
    const replica = { ...database, deletionProtection: false, replicateSourceDb: "arn:aws:rds:us-east-1:1:db:x" };
    expect(await resourceViolations(awsRdsDeletionProtection, rds, replica, { provider: awsProductionProvider })).toEqual([]);
    // The source itself still needs it.
    expect(
      await resourceViolations(
        awsRdsDeletionProtection,
        rds,
        { ...replica, replicateSourceDb: undefined },
        { provider: awsProductionProvider },
      ),
    ).toHaveLength(1);
  });

  it("aws-rds-final-snapshot: a production read replica passes without one (RDS takes none of a replica)", async () => {
    const replica = {
      ...database,
      skipFinalSnapshot: true,
      finalSnapshotIdentifier: undefined,
      replicateSourceDb: "arn:aws:rds:us-east-1:1:db:x",
    };
    expect(await resourceViolations(awsRdsFinalSnapshot, rds, replica, { provider: awsProductionProvider })).toEqual([]);
  });

  it("aws-rds-tls-required: passes rds.force_ssl=1 in the instance's parameter group, fails 0 or no group", async () => {
    const stack = (forceSsl: string) => [
      {
        type: "aws:rds/parameterGroup:ParameterGroup",
        name: "database-params",
        urn: "urn:pg",
        props: { name: "hello-prod-pg16", family: "postgres16", parameters: [{ name: "rds.force_ssl", value: forceSsl }] },
      },
      { type: rds, name: "database-postgres", urn: "urn:db", props: database, dependencies: ["urn:pg"] },
    ];
    expect(await stackViolations(awsRdsTlsRequired, stack("1"))).toEqual([]);
    expect(await stackViolations(awsRdsTlsRequired, stack("0"))).toEqual([expect.stringContaining('sets rds.force_ssl to "0"')]);
    expect(
      await stackViolations(awsRdsTlsRequired, [
        { type: rds, name: "db", props: { ...database, parameterGroupName: "default.postgres16" } },
      ]),
    ).toEqual([expect.stringContaining('uses parameter group "default.postgres16", which is not in this stack')]);
  });
});

const bucketUrn = "urn:bucket";
const bucketStack = [
  {
    type: "aws:s3/bucket:Bucket",
    name: "bucket",
    urn: bucketUrn,
    props: { bucket: "hello-prod-3f2a1b", forceDestroy: false, tags: { "portage-role": "bucket" } },
  },
  {
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    name: "bucket-public-access",
    props: {
      bucket: "hello-prod-3f2a1b",
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    propertyDependencies: { bucket: [bucketUrn] },
  },
  {
    type: "aws:s3/bucketVersioning:BucketVersioning",
    name: "bucket-versioning",
    props: { bucket: "hello-prod-3f2a1b", versioningConfiguration: { status: "Enabled" } },
    propertyDependencies: { bucket: [bucketUrn] },
  },
  {
    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    name: "bucket-encryption",
    props: {
      bucket: "hello-prod-3f2a1b",
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    },
    propertyDependencies: { bucket: [bucketUrn] },
  },
];
const [, block, versioning, encryption] = bucketStack;

describe("aws bucket", () => {
  it("aws-s3-public-access-block (CKV2_AWS_6): passes all four flags, fails one off", async () => {
    expect(await resourceViolations(awsS3PublicAccessBlock, block!.type, block!.props)).toEqual([]);
    expect(await resourceViolations(awsS3PublicAccessBlock, block!.type, { ...block!.props, restrictPublicBuckets: false })).toEqual([
      "restrictPublicBuckets is not true; all four must be, so no ACL or policy can make an object public.",
    ]);
  });

  it("aws-s3-versioning (CKV_AWS_21): passes Enabled, fails Suspended", async () => {
    expect(await resourceViolations(awsS3Versioning, versioning!.type, versioning!.props)).toEqual([]);
    expect(
      await resourceViolations(awsS3Versioning, versioning!.type, {
        ...versioning!.props,
        versioningConfiguration: { status: "Suspended" },
      }),
    ).toEqual(['versioningConfiguration.status is "Suspended"; set it to "Enabled".']);
  });

  it("aws-s3-encryption (CKV_AWS_19): passes AES256, fails a rule without a default algorithm", async () => {
    expect(await resourceViolations(awsS3Encryption, encryption!.type, encryption!.props)).toEqual([]);
    expect(
      await resourceViolations(awsS3Encryption, encryption!.type, { ...encryption!.props, rules: [{ blockedEncryptionTypes: ["SSE-C"] }] }),
    ).toEqual([expect.stringContaining("no rule sets applyServerSideEncryptionByDefault.sseAlgorithm")]);
  });

  it("aws-s3-bucket-guarded (CKV2_AWS_6, CKV_AWS_21, CKV_AWS_19): passes a bucket with all three settings, names what a bare bucket lacks", async () => {
    expect(await stackViolations(awsS3BucketGuarded, bucketStack)).toEqual([]);
    expect(await stackViolations(awsS3BucketGuarded, [bucketStack[0]!, encryption!])).toEqual([
      "bucket: S3 bucket bucket is missing a public access block and versioning.",
    ]);
  });
});
