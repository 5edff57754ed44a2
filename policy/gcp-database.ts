import { resourcePolicy } from "./define";
import { isProduction, isWorld, leavingOf, shown, type Labels } from "./facts";

export const sqlInstance = "gcp:sql/databaseInstance:DatabaseInstance";

export interface SqlInstanceProps {
  deletionProtection?: boolean;
  /** Set on a read replica: the primary it follows. */
  masterInstanceName?: string;
  settings?: {
    ipConfiguration?: { ipv4Enabled?: boolean; sslMode?: string; authorizedNetworks?: { value: string; name?: string }[] };
    backupConfiguration?: { enabled?: boolean; pointInTimeRecoveryEnabled?: boolean };
    deletionProtectionEnabled?: boolean;
    finalBackupConfig?: { enabled?: boolean };
    retainBackupsOnDelete?: boolean;
    userLabels?: Labels;
  };
}

const tlsModes = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"];

export const gcpSqlPrivate = resourcePolicy<SqlInstanceProps>({
  name: "gcp-sql-private",
  description:
    "Cloud SQL has no public address: ipv4Enabled is explicitly false, the provider's default being public (Checkov CKV_GCP_60).",
  severity: "critical",
  remediationSteps: "Set settings.ipConfiguration: { ipv4Enabled: false, privateNetwork: <the VPC> } and no authorizedNetworks.",
  types: [sqlInstance],
  validate: (props, _args, report) => {
    const ip = props.settings?.ipConfiguration;
    if (ip?.ipv4Enabled !== false) {
      report(
        `settings.ipConfiguration.ipv4Enabled is ${shown(ip?.ipv4Enabled)}; set it to false (Cloud SQL gets a public address unless told otherwise).`,
      );
    }
    for (const network of (ip?.authorizedNetworks ?? []).filter((n) => isWorld(n.value))) {
      report(`settings.ipConfiguration.authorizedNetworks lets ${network.value} connect; remove it.`);
    }
  },
});

export const gcpSqlTlsRequired = resourcePolicy<SqlInstanceProps>({
  name: "gcp-sql-tls-required",
  description: "Cloud SQL refuses connections without TLS (Checkov CKV_GCP_6).",
  severity: "high",
  remediationSteps: 'Set settings.ipConfiguration.sslMode to "ENCRYPTED_ONLY".',
  types: [sqlInstance],
  validate: (props, _args, report) => {
    const mode = props.settings?.ipConfiguration?.sslMode;
    if (mode === undefined || !tlsModes.includes(mode))
      report(`settings.ipConfiguration.sslMode is ${shown(mode)}; set it to "ENCRYPTED_ONLY".`);
  },
});

export const gcpSqlBackups = resourcePolicy<SqlInstanceProps>({
  name: "gcp-sql-backups",
  description: "Cloud SQL keeps automated backups with point-in-time recovery (Checkov CKV_GCP_14).",
  severity: "high",
  remediationSteps: "Set settings.backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true }.",
  types: [sqlInstance],
  validate: (props, _args, report) => {
    // Cloud SQL keeps no backups of a read replica: its primary's are the backups.
    if (props.masterInstanceName) return;
    const backups = props.settings?.backupConfiguration;
    if (backups?.enabled !== true) report(`settings.backupConfiguration.enabled is ${shown(backups?.enabled)}; set it to true.`);
    if (backups?.pointInTimeRecoveryEnabled !== true) {
      report(
        `settings.backupConfiguration.pointInTimeRecoveryEnabled is ${shown(backups?.pointInTimeRecoveryEnabled)}; set it to true so the database can be restored to any second.`,
      );
    }
  },
});

export const gcpSqlDeletionProtection = resourcePolicy<SqlInstanceProps>({
  name: "gcp-sql-deletion-protection",
  description: "A production Cloud SQL instance (not a read replica) cannot be deleted by Pulumi or by the API.",
  severity: "high",
  remediationSteps: "Set deletionProtection: true and settings.deletionProtectionEnabled: true on production stacks.",
  types: [sqlInstance],
  validate: (props, args, report) => {
    // A database a migration lets go of is deletable on purpose; gcp-sql-final-backup still holds.
    // A read replica holds nothing its primary lacks, and must stay removable (database/gcp.ts).
    if (!isProduction(props, args.provider) || leavingOf(props) !== undefined || props.masterInstanceName) return;
    // deletionProtection guards against Pulumi (provider default true); deletionProtectionEnabled against anyone.
    if (props.deletionProtection === false) report("deletionProtection is false on a production database; set it to true.");
    if (props.settings?.deletionProtectionEnabled !== true) {
      report(
        `settings.deletionProtectionEnabled is ${shown(props.settings?.deletionProtectionEnabled)} on a production database; set it to true.`,
      );
    }
  },
});

export const gcpSqlFinalBackup = resourcePolicy<SqlInstanceProps>({
  name: "gcp-sql-final-backup",
  description: "Deleting a production Cloud SQL instance leaves a final backup.",
  severity: "high",
  remediationSteps: "Set settings.finalBackupConfig: { enabled: true, retentionDays: <n> } (or settings.retainBackupsOnDelete: true).",
  types: [sqlInstance],
  validate: (props, args, report) => {
    // A read replica has no backups to keep (its primary's final backup holds the data).
    if (!isProduction(props, args.provider) || props.masterInstanceName) return;
    const settings = props.settings;
    if (settings?.finalBackupConfig?.enabled !== true && settings?.retainBackupsOnDelete !== true) {
      report(
        "neither settings.finalBackupConfig.enabled nor settings.retainBackupsOnDelete is true on a production database; deleting it would leave no backup.",
      );
    }
  },
});
