import { resourcePolicy, stackPolicy } from "./define";
import { isProduction, leavingOf, shown, type Labels } from "./facts";
import { relatedResource } from "./stack";

export const rdsInstance = "aws:rds/instance:Instance";
export const rdsParameterGroup = "aws:rds/parameterGroup:ParameterGroup";

export interface RdsInstanceProps {
  engine?: string;
  publiclyAccessible?: boolean;
  storageEncrypted?: boolean;
  backupRetentionPeriod?: number;
  deletionProtection?: boolean;
  skipFinalSnapshot?: boolean;
  finalSnapshotIdentifier?: string;
  parameterGroupName?: string;
  /** Set on a read replica: the source it follows. */
  replicateSourceDb?: string;
  tags?: Labels;
}

export interface RdsParameterGroupProps {
  name?: string;
  family?: string;
  parameters?: { name: string; value: string }[];
}

export const awsRdsPrivate = resourcePolicy<RdsInstanceProps>({
  name: "aws-rds-private",
  description: "The database has no public address (Checkov CKV_AWS_17).",
  severity: "critical",
  remediationSteps: "Set publiclyAccessible: false; the fleet reaches Postgres over the private network.",
  types: [rdsInstance],
  validate: (props, _args, report) => {
    if (props.publiclyAccessible === true)
      report("publiclyAccessible is true; set it to false so Postgres is reachable from the private network only.");
  },
});

export const awsRdsEncrypted = resourcePolicy<RdsInstanceProps>({
  name: "aws-rds-encrypted",
  description: "Database storage, backups and snapshots are encrypted at rest (Checkov CKV_AWS_16).",
  severity: "high",
  remediationSteps: "Set storageEncrypted: true (this replaces an existing instance: restore from an encrypted snapshot copy).",
  types: [rdsInstance],
  validate: (props, _args, report) => {
    if (props.storageEncrypted !== true) report(`storageEncrypted is ${shown(props.storageEncrypted)}; set it to true.`);
  },
});

export const awsRdsBackups = resourcePolicy<RdsInstanceProps>({
  name: "aws-rds-backups",
  description: "Automated backups are kept, which also gives point-in-time recovery (Checkov CKV_AWS_133).",
  severity: "high",
  remediationSteps: "Set backupRetentionPeriod to 1-35 days (portage:database.backupDays).",
  types: [rdsInstance],
  validate: (props, _args, report) => {
    if (!(typeof props.backupRetentionPeriod === "number" && props.backupRetentionPeriod >= 1)) {
      report(
        `backupRetentionPeriod is ${shown(props.backupRetentionPeriod)}; keep at least 1 day of automated backups (portage:database.backupDays).`,
      );
    }
  },
});

export const awsRdsDeletionProtection = resourcePolicy<RdsInstanceProps>({
  name: "aws-rds-deletion-protection",
  description: "A production database has deletion protection on (Checkov CKV_AWS_293).",
  severity: "high",
  remediationSteps: "Set deletionProtection: true on production stacks (portage:production true does it).",
  types: [rdsInstance],
  validate: (props, args, report) => {
    // A database a migration lets go of is deletable on purpose; aws-rds-final-snapshot still holds.
    // A read replica holds nothing its source lacks, and the update that drops it from
    // database.replicas must be able to delete it (RDS refuses while its deletion protection is on).
    if (leavingOf(props) !== undefined || props.replicateSourceDb) return;
    if (isProduction(props, args.provider) && props.deletionProtection !== true) {
      report(
        `deletionProtection is ${shown(props.deletionProtection)} on a production database (portage-production=true); set it to true.`,
      );
    }
  },
});

export const awsRdsFinalSnapshot = resourcePolicy<RdsInstanceProps>({
  name: "aws-rds-final-snapshot",
  description: "Deleting a production database leaves a final snapshot.",
  severity: "high",
  remediationSteps: "Set skipFinalSnapshot: false and a finalSnapshotIdentifier on production stacks.",
  types: [rdsInstance],
  validate: (props, args, report) => {
    // RDS takes no final snapshot of a read replica (DeleteDBInstance: "can't be specified when
    // deleting a read replica"); its source holds the data and takes its own.
    if (!isProduction(props, args.provider) || props.replicateSourceDb) return;
    if (props.skipFinalSnapshot !== false)
      report(`skipFinalSnapshot is ${shown(props.skipFinalSnapshot)} on a production database; set it to false.`);
    else if (!props.finalSnapshotIdentifier)
      report("finalSnapshotIdentifier is empty on a production database; RDS needs it to take the final snapshot.");
  },
});

/** TLS is a server parameter on RDS: the instance's parameter group must force it. */
export const awsRdsTlsRequired = stackPolicy({
  name: "aws-rds-tls-required",
  description: "Postgres refuses connections without TLS (rds.force_ssl=1 in the instance's parameter group).",
  severity: "high",
  remediationSteps: 'Give the instance a parameter group with { name: "rds.force_ssl", value: "1" }.',
  types: [rdsInstance, rdsParameterGroup],
  validate: (args, report) => {
    for (const resource of args.resources.filter((r) => r.type === rdsInstance)) {
      const props = resource.props as RdsInstanceProps;
      if (props.engine && !props.engine.startsWith("postgres")) continue;
      const groupName = props.parameterGroupName;
      const group = relatedResource(resource, "parameterGroupName", groupName, args.resources, [rdsParameterGroup]);
      if (!group) {
        report(
          `${resource.name} uses parameter group ${shown(groupName)}, which is not in this stack, so nothing shows it forces TLS; give it a parameter group with rds.force_ssl=1.`,
          resource.urn,
        );
        continue;
      }
      const forceSsl = (group.props as RdsParameterGroupProps).parameters?.find((p) => p.name === "rds.force_ssl")?.value;
      if (forceSsl !== "1") {
        report(
          `${resource.name}'s parameter group ${group.name} sets rds.force_ssl to ${shown(forceSsl)}; set it to "1" so Postgres refuses unencrypted connections.`,
          resource.urn,
        );
      }
    }
  },
});
