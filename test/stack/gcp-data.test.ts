import { describe, expect, it } from "vitest";
import { databaseTiers } from "../../components/config";
import { Secret } from "../../tools/offline/run";
import { runStack } from "../../tools/offline/stack";
import { validConfig } from "../support/stack";
import { all, at, one, runGcp, runGcpStack, T } from "./gcp-support";

describe("gcp data on Pulumi.dev.yaml and Pulumi.prod.yaml", async () => {
  const dev = await runGcpStack("dev");
  const prod = await runGcpStack("prod");

  describe("Cloud SQL", () => {
    const devDb = one(dev, T.sqlInstance);
    const prodDb = one(prod, T.sqlInstance);

    it("Postgres of the configured version and tier in the primary region, ENTERPRISE edition (custom tiers need it)", () => {
      expect(devDb.inputs).toMatchObject({ databaseVersion: "POSTGRES_16", region: "us-east4" });
      expect(devDb.inputs.settings).toMatchObject({
        edition: "ENTERPRISE",
        tier: databaseTiers.small.gcp,
        diskType: "PD_SSD",
        diskSize: 20,
        diskAutoresize: true,
      });
      expect(prodDb.inputs.settings).toMatchObject({ tier: databaseTiers.medium.gcp, diskSize: 50 });
    });

    it("CKV_GCP_60: no public address, only a private one on the stack's VPC, in the private services range", () => {
      for (const db of [devDb, prodDb]) {
        expect(at(db, "settings", "ipConfiguration", "ipv4Enabled")).toBe(false);
        expect(at(db, "settings", "ipConfiguration", "privateNetwork")).toBe("network-vpc-id");
        expect(String(at(db, "settings", "ipConfiguration", "allocatedIpRange"))).toMatch(/^network-private-services-/);
      }
    });

    it("ready for change data capture from day one: logical decoding, pglogical, slots, workers, a bound on kept WAL", () => {
      for (const [db, storageGb] of [
        [devDb, 20],
        [prodDb, 50],
      ] as const) {
        const flags = Object.fromEntries(
          (at(db, "settings", "databaseFlags") as { name: string; value: string }[]).map((f) => [f.name, f.value]),
        );
        expect(flags).toMatchObject({ "cloudsql.logical_decoding": "on", "cloudsql.enable_pglogical": "on" });
        for (const name of ["max_replication_slots", "max_wal_senders", "max_logical_replication_workers"]) {
          expect(Number(flags[name]), name).toBeGreaterThanOrEqual(4);
        }
        expect(flags["max_slot_wal_keep_size"]).toBe(String(storageGb * 256));
        // The audit flags stay.
        expect(flags).toMatchObject({ log_connections: "on", log_lock_waits: "on" });
      }
    });

    it("is created after the private services peering it needs", () => {
      const connection = one(dev, T.connection);
      expect(devDb.options.dependsOn).toContain(connection.urn);
    });

    it("CKV_GCP_6: TLS required on every connection", () => {
      for (const db of [devDb, prodDb]) expect(at(db, "settings", "ipConfiguration", "sslMode")).toBe("ENCRYPTED_ONLY");
    });

    it("CKV_GCP_14: daily backups kept backupDays with point-in-time recovery (prod: 14 backups, 7 days of log)", () => {
      expect(at(prodDb, "settings", "backupConfiguration")).toMatchObject({
        enabled: true,
        pointInTimeRecoveryEnabled: true,
        transactionLogRetentionDays: 7,
        backupRetentionSettings: { retainedBackups: 14, retentionUnit: "COUNT" },
      });
    });

    it("backupDays 1 still gets a day of point-in-time recovery: Cloud SQL needs more backups than log days", () => {
      expect(at(devDb, "settings", "backupConfiguration")).toMatchObject({
        enabled: true,
        pointInTimeRecoveryEnabled: true,
        transactionLogRetentionDays: 1,
        backupRetentionSettings: { retainedBackups: 2 },
      });
    });

    it("a standby in another zone when highAvailability (prod), a single zone otherwise (dev)", () => {
      expect(at(prodDb, "settings", "availabilityType")).toBe("REGIONAL");
      expect(at(devDb, "settings", "availabilityType")).toBe("ZONAL");
    });

    it("labelled as the stack's database (Cloud SQL labels are not reached by provider default labels)", () => {
      expect(at(devDb, "settings", "userLabels")).toEqual({
        "portage-stack": "hello-dev",
        "portage-production": "false",
        "portage-role": "database",
      });
    });

    it("dev tears down easily: no deletion protection at either level (the provider's default is on), not protected", () => {
      expect(devDb.inputs.deletionProtection).toBe(false);
      expect(at(devDb, "settings", "deletionProtectionEnabled")).toBe(false);
      expect(at(devDb, "settings", "finalBackupConfig")).toBeUndefined();
      for (const type of [T.sqlInstance, T.sqlDatabase, T.sqlUser]) expect(one(dev, type).options.protect).toBe(false);
    });

    it("prod cannot be deleted: protect, Pulumi-level and API-level deletion protection, and a final backup", () => {
      expect(prodDb.inputs.deletionProtection).toBe(true);
      expect(at(prodDb, "settings", "deletionProtectionEnabled")).toBe(true);
      expect(at(prodDb, "settings", "finalBackupConfig")).toEqual({ enabled: true, retentionDays: 30 });
      for (const type of [T.sqlInstance, T.sqlDatabase, T.sqlUser]) expect(one(prod, type).options.protect, type).toBe(true);
    });

    it("the disk grows by itself and a config change never shrinks it (that would replace the instance)", () => {
      expect(devDb.options.ignoreChanges).toContain("settings.diskSize");
    });

    it("the app's database and user, its password a secret; abandoned on delete (Postgres refuses to drop owners)", () => {
      const database = one(dev, T.sqlDatabase);
      const user = one(dev, T.sqlUser);
      expect(database.inputs).toMatchObject({ name: "hello", deletionPolicy: "ABANDON" });
      expect(user.inputs).toMatchObject({ name: "hello", type: "BUILT_IN", deletionPolicy: "ABANDON" });
      expect(user.inputs.password).toBeInstanceOf(Secret);
      for (const r of [database, user]) expect(String(r.inputs.instance)).toMatch(new RegExp(`^${devDb.name}-`));
    });

    it("the stack outputs the database's private address and port 5432", () => {
      expect(dev.outputs?.database.host).toMatch(/^10\.\d+\.\d+\.\d+$/);
      expect(dev.outputs?.database).toMatchObject({ port: 5432, name: "hello" });
    });
  });

  describe("bucket", () => {
    const devBucket = one(dev, T.bucket);
    const prodBucket = one(prod, T.bucket);

    it("CKV_GCP_114, CKV_GCP_29: public access prevention enforced and uniform bucket-level access", () => {
      for (const b of [devBucket, prodBucket])
        expect(b.inputs).toMatchObject({ publicAccessPrevention: "enforced", uniformBucketLevelAccess: true });
    });

    it("CKV_GCP_78: versioned as configured", () => {
      expect(devBucket.inputs.versioning).toEqual({ enabled: true });
    });

    it("in the primary region, labelled as the stack's bucket", () => {
      expect(devBucket.inputs).toMatchObject({ location: "US-EAST4", labels: { "portage-role": "bucket" } });
    });

    it("dev empties and deletes it on destroy; prod keeps its objects and is protected", () => {
      expect(devBucket.inputs.forceDestroy).toBe(true);
      expect(devBucket.options.protect).toBe(false);
      expect(prodBucket.inputs.forceDestroy).toBe(false);
      expect(prodBucket.options.protect).toBe(true);
    });
  });

  describe("secrets", () => {
    it("every runtime secret is a Secret Manager secret named after the stack, replicated automatically", () => {
      const secrets = all(dev, T.secret);
      expect(secrets.map((s) => s.inputs.secretId).sort()).toEqual(
        ["database-url", "secret-key-base", "release-cookie", "phx-host", "edge-admin-password"].map((e) => `hello-dev-${e}`).sort(),
      );
      for (const s of secrets) {
        expect(s.inputs.replication).toEqual({ auto: {} });
        expect(s.options.deleteBeforeReplace).toBe(true);
      }
    });

    it("each holds its value in a version; every secret value stays a Pulumi secret", () => {
      const versions = all(dev, T.secretVersion);
      expect(versions).toHaveLength(5);
      for (const v of versions) {
        const secret = one(dev, T.secret, v.name);
        expect(v.inputs.secret).toBe(`${secret.name}-id`);
        if (v.name !== "secrets-phx-host") expect(v.inputs.secretData, v.name).toBeInstanceOf(Secret);
      }
      expect(String((one(dev, T.secretVersion, "secrets-database-url").inputs.secretData as Secret).value)).toMatch(
        /^ecto:\/\/hello:.+@10\.[\d.]+:5432\/hello\?ssl=true$/,
      );
    });
  });
});

describe("gcp Cloud SQL backup settings", () => {
  it("backupDays 0 (dev only) turns backups and point-in-time recovery off", async () => {
    const run = await runGcp({ "portage:database": { backupDays: 0 } });
    expect(at(one(run, T.sqlInstance), "settings", "backupConfiguration")).toEqual({ enabled: false, pointInTimeRecoveryEnabled: false });
  });

  it("a standby without backups is refused with the key and the fix (Cloud SQL requires point-in-time recovery for it)", async () => {
    const run = await runStack({
      provider: "gcp",
      overrides: validConfig({ "portage:database": { backupDays: 0, highAvailability: true } }),
    });
    expect(run.error?.message).toContain("portage:database.backupDays: 0 turns backups off, but portage:database.highAvailability is true");
    expect(run.resources).toEqual([]);
  });

  it("bucket versioning off when configured off", async () => {
    const run = await runGcp({ "portage:bucket": { versioning: false } });
    expect(one(run, T.bucket).inputs.versioning).toEqual({ enabled: false });
  });
});
