import { describe, expect, it } from "vitest";
import { gcpStoragePublicAccessPrevention, gcpStorageUniformAccess, gcpStorageVersioning } from "../gcp-bucket";
import { gcpSqlBackups, gcpSqlDeletionProtection, gcpSqlFinalBackup, gcpSqlPrivate, gcpSqlTlsRequired } from "../gcp-database";
import { gcpFirewallRulesDescribed, gcpNoSshFromInternet, gcpNoWorldIngressButWebToEdge } from "../gcp-firewall";
import {
  gcpInstanceBlockProjectSshKeys,
  gcpInstanceNoFullScopeDefaultAccount,
  gcpInstanceNoPublicIp,
  gcpInstanceOwnServiceAccount,
  gcpInstanceSerialPortOff,
  gcpInstanceShieldedVm,
} from "../gcp-instance";
import { gcpDevProvider, gcpProductionProvider, resourceViolations } from "./harness";

const instance = "gcp:compute/instance:Instance";
const firewall = "gcp:compute/firewall:Firewall";
const sql = "gcp:sql/databaseInstance:DatabaseInstance";
const bucket = "gcp:storage/bucket:Bucket";

/** A node as portage's fleet declares it on gcp. */
const node = {
  machineType: "e2-small",
  zone: "us-east4-a",
  bootDisk: { initializeParams: { image: "ubuntu-os-cloud/ubuntu-2404-lts-amd64", size: 20 } },
  networkInterfaces: [{ subnetwork: "projects/p/regions/us-east4/subnetworks/network-us-east4" }],
  serviceAccount: {
    email: "hello-dev-node@my-project.iam.gserviceaccount.com",
    scopes: ["https://www.googleapis.com/auth/cloud-platform"],
  },
  shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
  metadata: { "user-data": "#cloud-config", "block-project-ssh-keys": "true", "serial-port-enable": "false" },
  tags: ["hello-dev-node"],
  labels: { "portage-role": "node" },
};
const edge = {
  ...node,
  networkInterfaces: [
    { subnetwork: "projects/p/regions/us-east4/subnetworks/network-us-east4", accessConfigs: [{ natIp: "198.51.100.7" }] },
  ],
  tags: ["hello-dev-edge"],
  labels: { "portage-role": "edge" },
};
const defaultAccount = "123456789012-compute@developer.gserviceaccount.com";

describe("gcp instances", () => {
  it("gcp-instance-own-service-account (CKV_GCP_30): passes a dedicated account, fails the default one", async () => {
    expect(await resourceViolations(gcpInstanceOwnServiceAccount, instance, node)).toEqual([]);
    const defaulted = {
      ...node,
      serviceAccount: { email: defaultAccount, scopes: ["https://www.googleapis.com/auth/devstorage.read_only"] },
    };
    expect(await resourceViolations(gcpInstanceOwnServiceAccount, instance, defaulted)).toEqual([
      expect.stringContaining(`"${defaultAccount}", the Compute Engine default service account`),
    ]);
  });

  it("gcp-instance-no-full-scope-default-account (CKV_GCP_31): passes cloud-platform on a dedicated account, fails it on the default one", async () => {
    expect(await resourceViolations(gcpInstanceNoFullScopeDefaultAccount, instance, node)).toEqual([]);
    const full = { ...node, serviceAccount: { scopes: ["cloud-platform"] } }; // no email: gcp picks the default account
    expect(await resourceViolations(gcpInstanceNoFullScopeDefaultAccount, instance, full)).toEqual([
      expect.stringContaining("default service account with the cloud-platform scope"),
    ]);
  });

  it("gcp-instance-shielded-vm (CKV_GCP_39): passes all three on, fails secure boot left off and vTPM turned off", async () => {
    expect(await resourceViolations(gcpInstanceShieldedVm, instance, node)).toEqual([]);
    const weak = { ...node, shieldedInstanceConfig: { enableVtpm: false } };
    expect(await resourceViolations(gcpInstanceShieldedVm, instance, weak)).toEqual([
      "shieldedInstanceConfig.enableSecureBoot is not set; set it to true so only signed boot code runs.",
      "shieldedInstanceConfig.enableVtpm is false; leave it on.",
    ]);
  });

  it('gcp-instance-block-project-ssh-keys (CKV_GCP_32): passes "true", fails it missing', async () => {
    expect(await resourceViolations(gcpInstanceBlockProjectSshKeys, instance, node)).toEqual([]);
    expect(
      await resourceViolations(gcpInstanceBlockProjectSshKeys, instance, { ...node, metadata: { "user-data": "#cloud-config" } }),
    ).toEqual([expect.stringContaining("block-project-ssh-keys is not set")]);
  });

  it('gcp-instance-serial-port-off (CKV_GCP_35): passes "false", fails "TRUE" and unset', async () => {
    expect(await resourceViolations(gcpInstanceSerialPortOff, instance, node)).toEqual([]);
    expect(await resourceViolations(gcpInstanceSerialPortOff, instance, { ...node, metadata: { "serial-port-enable": "TRUE" } })).toEqual([
      expect.stringContaining('serial-port-enable is "TRUE"'),
    ]);
    expect(await resourceViolations(gcpInstanceSerialPortOff, instance, { ...node, metadata: {} })).toEqual([
      expect.stringContaining("serial-port-enable is not set"),
    ]);
  });

  it("gcp-instance-no-public-ip (CKV_GCP_40): passes a private node and the public edge, fails a node with an access config", async () => {
    expect(await resourceViolations(gcpInstanceNoPublicIp, instance, node)).toEqual([]);
    expect(await resourceViolations(gcpInstanceNoPublicIp, instance, edge)).toEqual([]);
    expect(await resourceViolations(gcpInstanceNoPublicIp, instance, { ...edge, labels: { "portage-role": "node" } })).toEqual([
      expect.stringContaining("networkInterfaces[0] has an external address"),
    ]);
  });
});

/** The edge's web rule as portage's network declares it. */
const edgeWeb = {
  network: "projects/p/global/networks/network",
  description: "HTTP and HTTPS from anywhere to the edge: the app's public entry",
  direction: "INGRESS",
  sourceRanges: ["0.0.0.0/0"],
  targetTags: ["hello-dev-edge"],
  allows: [{ protocol: "tcp", ports: ["80", "443"] }],
  priority: 1000,
};
const edgeSsh = {
  ...edgeWeb,
  description: "SSH to the edge from the admin ranges",
  sourceRanges: ["203.0.113.0/24"],
  allows: [{ protocol: "tcp", ports: ["22"] }],
};

describe("gcp firewall", () => {
  it("gcp-no-ssh-from-internet (CKV_GCP_2): passes SSH from the admin range, fails SSH from 0.0.0.0/0", async () => {
    expect(await resourceViolations(gcpNoSshFromInternet, firewall, edgeSsh)).toEqual([]);
    expect(await resourceViolations(gcpNoSshFromInternet, firewall, { ...edgeSsh, sourceRanges: ["0.0.0.0/0"] })).toEqual([
      "allows tcp port 22 from 0.0.0.0/0, which lets SSH in from the internet; SSH reaches the edge from portage:access.adminCidrs only.",
    ]);
  });

  it("gcp-no-ssh-from-internet (CKV_GCP_2): fails a rule with no source at all (gcp then means everyone)", async () => {
    const { sourceRanges: _, ...noSource } = edgeSsh;
    expect(await resourceViolations(gcpNoSshFromInternet, firewall, noSource)).toEqual([
      expect.stringContaining("from anywhere (no source set"),
    ]);
  });

  it("gcp-no-world-ingress-but-web-to-edge: passes 80/443 from anywhere to the edge tag", async () => {
    expect(await resourceViolations(gcpNoWorldIngressButWebToEdge, firewall, edgeWeb)).toEqual([]);
  });

  it("gcp-no-world-ingress-but-web-to-edge: fails the app ports open to the internet on every VM", async () => {
    const open = { ...edgeWeb, targetTags: undefined, allows: [{ protocol: "tcp", ports: ["4000-4001"] }] };
    expect(await resourceViolations(gcpNoWorldIngressButWebToEdge, firewall, open)).toEqual([
      "allows tcp ports 4000-4001 from 0.0.0.0/0; only TCP 80 and 443 on the edge may be reached from the internet.",
      "is open to 0.0.0.0/0 and applies to every VM in the network (no targetTags); a rule open to the internet targets the edge's tag (<prefix>-edge) only.",
    ]);
  });

  it("gcp-no-world-ingress-but-web-to-edge: fails web ports open on the nodes' tag", async () => {
    expect(await resourceViolations(gcpNoWorldIngressButWebToEdge, firewall, { ...edgeWeb, targetTags: ["hello-dev-node"] })).toEqual([
      expect.stringContaining("applies to network tags hello-dev-node"),
    ]);
  });

  it("gcp-firewall-rules-described: passes a described rule, fails a blank description", async () => {
    expect(await resourceViolations(gcpFirewallRulesDescribed, firewall, edgeWeb)).toEqual([]);
    expect(await resourceViolations(gcpFirewallRulesDescribed, firewall, { ...edgeWeb, description: " " })).toEqual([
      expect.stringContaining("has no description"),
    ]);
  });
});

/** Cloud SQL as portage declares it in a production stack. */
const database = {
  databaseVersion: "POSTGRES_16",
  region: "us-east4",
  deletionProtection: true,
  settings: {
    tier: "db-custom-2-7680",
    availabilityType: "REGIONAL",
    ipConfiguration: { ipv4Enabled: false, privateNetwork: "projects/p/global/networks/network", sslMode: "ENCRYPTED_ONLY" },
    backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true, backupRetentionSettings: { retainedBackups: 14 } },
    deletionProtectionEnabled: true,
    finalBackupConfig: { enabled: true, retentionDays: 30 },
    userLabels: { "portage-role": "database" },
  },
};
const withSettings = (settings: Record<string, unknown>) => ({ ...database, settings: { ...database.settings, ...settings } });

describe("gcp database", () => {
  it("gcp-sql-private (CKV_GCP_60): passes ipv4Enabled false, fails it left to the provider's default", async () => {
    expect(await resourceViolations(gcpSqlPrivate, sql, database)).toEqual([]);
    const defaulted = withSettings({
      ipConfiguration: { privateNetwork: "projects/p/global/networks/network", sslMode: "ENCRYPTED_ONLY" },
    });
    expect(await resourceViolations(gcpSqlPrivate, sql, defaulted)).toEqual([
      expect.stringContaining("ipv4Enabled is not set; set it to false"),
    ]);
  });

  it("gcp-sql-private (CKV_GCP_60): fails an authorized network open to the world", async () => {
    const open = withSettings({ ipConfiguration: { ipv4Enabled: true, authorizedNetworks: [{ name: "all", value: "0.0.0.0/0" }] } });
    expect(await resourceViolations(gcpSqlPrivate, sql, open)).toEqual([
      expect.stringContaining("ipv4Enabled is true"),
      "settings.ipConfiguration.authorizedNetworks lets 0.0.0.0/0 connect; remove it.",
    ]);
  });

  it("gcp-sql-tls-required (CKV_GCP_6): passes ENCRYPTED_ONLY, fails unencrypted connections allowed", async () => {
    expect(await resourceViolations(gcpSqlTlsRequired, sql, database)).toEqual([]);
    const plain = withSettings({ ipConfiguration: { ipv4Enabled: false, sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED" } });
    expect(await resourceViolations(gcpSqlTlsRequired, sql, plain)).toEqual([expect.stringContaining('"ALLOW_UNENCRYPTED_AND_ENCRYPTED"')]);
  });

  it("gcp-sql-backups (CKV_GCP_14): passes backups with PITR, fails backups without PITR", async () => {
    expect(await resourceViolations(gcpSqlBackups, sql, database)).toEqual([]);
    expect(await resourceViolations(gcpSqlBackups, sql, withSettings({ backupConfiguration: { enabled: true } }))).toEqual([
      expect.stringContaining("pointInTimeRecoveryEnabled is not set"),
    ]);
  });

  it("gcp-sql-backups and gcp-sql-final-backup: a read replica passes without backups (Cloud SQL keeps none of a replica)", async () => {
    const replica = { ...withSettings({ backupConfiguration: { enabled: false } }), masterInstanceName: "primary" };
    expect(await resourceViolations(gcpSqlBackups, sql, replica)).toEqual([]);
    expect(await resourceViolations(gcpSqlFinalBackup, sql, replica, { provider: gcpProductionProvider })).toEqual([]);
    expect(await resourceViolations(gcpSqlBackups, sql, { ...replica, masterInstanceName: undefined })).not.toEqual([]);
  });

  it("gcp-sql-deletion-protection: production needs both guards; dev needs neither", async () => {
    const unprotected = { ...withSettings({ deletionProtectionEnabled: false }), deletionProtection: false };
    expect(await resourceViolations(gcpSqlDeletionProtection, sql, database, { provider: gcpProductionProvider })).toEqual([]);
    expect(await resourceViolations(gcpSqlDeletionProtection, sql, unprotected, { provider: gcpProductionProvider })).toEqual([
      "deletionProtection is false on a production database; set it to true.",
      "settings.deletionProtectionEnabled is false on a production database; set it to true.",
    ]);
    expect(await resourceViolations(gcpSqlDeletionProtection, sql, unprotected, { provider: gcpDevProvider })).toEqual([]);
  });

  it("gcp-sql-deletion-protection: a production read replica may go unprotected (it holds nothing its primary lacks)", async () => {
    const replica = { ...withSettings({ deletionProtectionEnabled: false }), deletionProtection: false, masterInstanceName: "primary" };
    expect(await resourceViolations(gcpSqlDeletionProtection, sql, replica, { provider: gcpProductionProvider })).toEqual([]);
  });

  it("a production database a migration lets go of (portage-leaving) may drop its deletion protection, never its final backup", async () => {
    const letGo = {
      ...withSettings({ deletionProtectionEnabled: false, userLabels: { "portage-leaving": "moved" } }),
      deletionProtection: false,
    };
    expect(await resourceViolations(gcpSqlDeletionProtection, sql, letGo, { provider: gcpProductionProvider })).toEqual([]);
    const { finalBackupConfig: _, ...settings } = letGo.settings;
    expect(await resourceViolations(gcpSqlFinalBackup, sql, { ...letGo, settings }, { provider: gcpProductionProvider })).toEqual([
      expect.stringContaining("finalBackupConfig"),
    ]);
  });

  it("gcp-sql-final-backup: production keeps a final backup", async () => {
    const { finalBackupConfig: _, ...settings } = database.settings;
    expect(await resourceViolations(gcpSqlFinalBackup, sql, database, { provider: gcpProductionProvider })).toEqual([]);
    expect(await resourceViolations(gcpSqlFinalBackup, sql, { ...database, settings }, { provider: gcpProductionProvider })).toEqual([
      expect.stringContaining("deleting it would leave no backup"),
    ]);
    expect(await resourceViolations(gcpSqlFinalBackup, sql, { ...database, settings }, { provider: gcpDevProvider })).toEqual([]);
  });
});

const storage = {
  name: "hello-dev-3f2a1b",
  location: "US-EAST4",
  forceDestroy: false,
  publicAccessPrevention: "enforced",
  uniformBucketLevelAccess: true,
  versioning: { enabled: true },
  labels: { "portage-role": "bucket" },
};

describe("gcp bucket", () => {
  it("gcp-storage-public-access-prevention (CKV_GCP_114): passes enforced, fails inherited", async () => {
    expect(await resourceViolations(gcpStoragePublicAccessPrevention, bucket, storage)).toEqual([]);
    expect(await resourceViolations(gcpStoragePublicAccessPrevention, bucket, { ...storage, publicAccessPrevention: "inherited" })).toEqual(
      [expect.stringContaining('publicAccessPrevention is "inherited"')],
    );
  });

  it("gcp-storage-uniform-access (CKV_GCP_29): passes uniform access, fails per-object ACLs", async () => {
    expect(await resourceViolations(gcpStorageUniformAccess, bucket, storage)).toEqual([]);
    expect(await resourceViolations(gcpStorageUniformAccess, bucket, { ...storage, uniformBucketLevelAccess: false })).toEqual([
      "uniformBucketLevelAccess is false; set it to true.",
    ]);
  });

  it("gcp-storage-versioning (CKV_GCP_78): passes versioning on, fails it off", async () => {
    expect(await resourceViolations(gcpStorageVersioning, bucket, storage)).toEqual([]);
    expect(await resourceViolations(gcpStorageVersioning, bucket, { ...storage, versioning: { enabled: false } })).toEqual([
      "versioning.enabled is false; set it to true.",
    ]);
  });
});
