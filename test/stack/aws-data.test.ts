import { beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../../tools/offline/run";
import { A, all, idOf, one, policyOf, regionOf, runAws, runAwsStack, type Run } from "./aws-support";

const stateful = [
  A.db,
  A.dbSubnets,
  A.dbParameters,
  A.bucket,
  A.publicAccessBlock,
  A.ownership,
  A.versioning,
  A.encryption,
  A.bucketPolicy,
];

describe("aws data: database, bucket and secrets (dev)", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runAws({ "portage:database": { backupDays: 3 } });
  });

  it("Postgres of the configured major version and size, gp3, in the primary region", () => {
    const db = one(run, A.db, "database-postgres");
    expect(regionOf(run, db)).toBe("us-east-1");
    expect(db.inputs).toMatchObject({
      engine: "postgres",
      engineVersion: "16",
      autoMinorVersionUpgrade: true,
      instanceClass: "db.t4g.small",
      allocatedStorage: 20,
      storageType: "gp3",
      dbName: "hello",
      username: "hello",
      port: 5432,
    });
  });

  it("not publicly accessible (CKV_AWS_17), in the private database subnets, behind the database security group", () => {
    const db = one(run, A.db, "database-postgres");
    expect(db.inputs.publiclyAccessible).toBe(false);
    expect(db.inputs.vpcSecurityGroupIds).toEqual([idOf("network-virginia-database")]);
    expect(String(db.inputs.dbSubnetGroupName)).toMatch(/^database-subnets-/);
    expect(db.options.dependsOn).toContain(one(run, A.dbSubnets, "database-subnets").urn);
    expect(one(run, A.dbSubnets, "database-subnets").inputs.subnetIds).toEqual(
      [1, 2, 3].map((i) => idOf(`network-virginia-database-${i}`)),
    );
  });

  it("storage encrypted (CKV_AWS_16), TLS required by its parameter group", () => {
    const db = one(run, A.db, "database-postgres");
    expect(db.inputs.storageEncrypted).toBe(true);
    const parameters = one(run, A.dbParameters, "database-parameters");
    expect(parameters.inputs.family).toBe("postgres16");
    expect(parameters.inputs.parameters).toContainEqual({ name: "rds.force_ssl", value: "1", applyMethod: "immediate" });
    expect(String(db.inputs.parameterGroupName)).toMatch(/^database-parameters-/);
    expect(db.options.dependsOn).toContain(parameters.urn);
  });

  it("ready for change data capture from day one: logical replication, pglogical, slots, workers, a bound on kept WAL", () => {
    const parameters = one(run, A.dbParameters, "database-parameters").inputs.parameters as {
      name: string;
      value: string;
      applyMethod: string;
    }[];
    const byName = Object.fromEntries(parameters.map((p) => [p.name, p]));
    expect(byName["rds.logical_replication"]).toEqual({ name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" });
    expect(byName["shared_preload_libraries"]?.value.split(",")).toEqual(["pg_stat_statements", "pglogical"]);
    for (const name of ["max_replication_slots", "max_wal_senders", "max_logical_replication_workers"]) {
      expect(Number(byName[name]?.value), name).toBeGreaterThanOrEqual(4);
    }
    // Static parameters cannot be applied immediately (RDS refuses the modification): they wait for a reboot.
    for (const p of parameters.filter((x) => !["rds.force_ssl", "max_slot_wal_keep_size"].includes(x.name))) {
      expect(p.applyMethod, p.name).toBe("pending-reboot");
    }
    // A quarter of the 20 GiB disk, in MB.
    expect(byName["max_slot_wal_keep_size"]).toEqual({ name: "max_slot_wal_keep_size", value: "5120", applyMethod: "immediate" });
  });

  it("automated backups for backupDays, so point-in-time recovery within them (CKV_AWS_133); no standby unless asked", () => {
    const db = one(run, A.db, "database-postgres");
    expect(db.inputs.backupRetentionPeriod).toBe(3);
    expect(db.inputs.multiAz).toBe(false);
    expect(db.inputs.copyTagsToSnapshot).toBe(true);
  });

  it("a dev stack tears down easily: no deletion protection, no final snapshot, nothing protected", () => {
    const db = one(run, A.db, "database-postgres");
    expect(db.inputs).toMatchObject({ deletionProtection: false, skipFinalSnapshot: true, deleteAutomatedBackups: true });
    expect(db.inputs.finalSnapshotIdentifier).toBeUndefined();
    expect(one(run, A.bucket, "bucket").inputs.forceDestroy).toBe(true);
    for (const r of run.resources.filter((x) => stateful.includes(x.type as (typeof stateful)[number])))
      expect(r.options.protect, r.name).toBe(false);
  });

  it("the password is a secret", () => {
    expect(one(run, A.db, "database-postgres").inputs.password).toBeInstanceOf(Secret);
  });

  it("bucket: named after the stack, public access fully blocked (CKV2_AWS_6), ACLs off", () => {
    expect(one(run, A.bucket, "bucket").inputs.bucketPrefix).toBe("hello-dev-");
    expect(one(run, A.publicAccessBlock, "bucket-public-access").inputs).toEqual({
      bucket: idOf("bucket"),
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(one(run, A.ownership, "bucket-ownership").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
  });

  it("bucket: versioned (CKV_AWS_21), encrypted at rest with SSE-S3, SSE-C uploads refused, plain HTTP denied", () => {
    expect(one(run, A.versioning, "bucket-versioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(one(run, A.encryption, "bucket-encryption").inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] },
    ]);
    const policy = policyOf(one(run, A.bucketPolicy, "bucket-tls-only"));
    const arn = `arn:aws:s3:::${run.outputs?.bucketName}`;
    expect(policy.Statement).toEqual([
      {
        Sid: "DenyPlainHttp",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
    expect(one(run, A.bucketPolicy, "bucket-tls-only").options.dependsOn).toContain(
      one(run, A.publicAccessBlock, "bucket-public-access").urn,
    );
  });

  it("secrets: one SSM parameter per entry under the stack's path, in the primary region; secret ones are SecureString", () => {
    const params = all(run, A.parameter);
    expect(params.map((p) => [p.inputs.name, p.inputs.type]).sort()).toEqual(
      [
        ["/portage/hello-dev/DATABASE_URL", "SecureString"],
        ["/portage/hello-dev/EDGE_ADMIN_PASSWORD", "SecureString"],
        ["/portage/hello-dev/PHX_HOST", "String"],
        ["/portage/hello-dev/RELEASE_COOKIE", "SecureString"],
        ["/portage/hello-dev/SECRET_KEY_BASE", "SecureString"],
      ].sort(),
    );
    for (const p of params) {
      expect(regionOf(run, p)).toBe("us-east-1");
      expect(p.inputs.value, p.name).toBeInstanceOf(Secret);
      expect(String(p.inputs.description)).toMatch(/read by/);
    }
    const url = one(run, A.parameter, "secrets-database-url").inputs.value as Secret;
    expect(String(url.value)).toMatch(/^ecto:\/\/hello:[A-Za-z0-9]+@database-postgres\.[^:]+\.rds\.amazonaws\.com:5432\/hello\?ssl=true$/);
  });
});

describe("aws data: versioning off", () => {
  it("suspends versioning (a versioned bucket can only be suspended, not unversioned)", async () => {
    const run = await runAws({ "portage:bucket": { versioning: false } });
    expect(one(run, A.versioning, "bucket-versioning").inputs.versioningConfiguration).toEqual({ status: "Suspended" });
  });
});

describe("aws data: Pulumi.prod.yaml", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runAwsStack("prod");
  });

  it("a Multi-AZ standby when highAvailability, the prod size, two weeks of backups", () => {
    expect(one(run, A.db, "database-postgres").inputs).toMatchObject({
      multiAz: true,
      instanceClass: "db.m7g.large",
      allocatedStorage: 50,
      backupRetentionPeriod: 14,
    });
  });

  it("deletion protection (CKV_AWS_293), a final snapshot, automated backups kept after deletion", () => {
    expect(one(run, A.db, "database-postgres").inputs).toMatchObject({
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "hello-prod-final",
      deleteAutomatedBackups: false,
    });
  });

  it("the database, its subnet group, the bucket and its settings are protected; the bucket is never force-destroyed", () => {
    const kept = stateful.filter((type) => type !== A.dbParameters);
    const protectedOnes = run.resources.filter((r) => kept.includes(r.type as (typeof kept)[number]));
    expect(protectedOnes).toHaveLength(kept.length);
    for (const r of protectedOnes) expect(r.options.protect, `${r.type} ${r.name}`).toBe(true);
    expect(one(run, A.bucket, "bucket").inputs.forceDestroy).toBe(false);
  });

  it("the parameter group is not protected: a major version upgrade replaces it (it holds no data)", () => {
    expect(one(run, A.dbParameters, "database-parameters").options.protect).toBe(false);
  });

  it("secrets and the database stay in the primary region while the fleet spans two", () => {
    expect(new Set(all(run, A.instance).map((i) => regionOf(run, i)))).toEqual(new Set(["us-east-1", "eu-west-2"]));
    for (const r of [...all(run, A.parameter), one(run, A.db, "database-postgres"), one(run, A.bucket, "bucket")])
      expect(regionOf(run, r)).toBe("us-east-1");
    expect(one(run, A.parameter, "secrets-phx-host").inputs.value).toEqual(new Secret("app.example.com"));
  });
});
