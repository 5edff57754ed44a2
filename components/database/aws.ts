import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { awsNames } from "../names";
import { transform, type Transform } from "../transform";
import { orderableClass } from "./aws-orderable";
import { createReplicas, type AwsReplica, type AwsReplicaTransforms } from "./aws-replica";
import { rdsGroups } from "./aws-groups";
import { leavingTag, type DatabaseCredentials, type DatabaseEndpoint, type DatabaseInputs } from "./types";

/** Per-resource escape hatches for the aws database (see components/transform.ts). */
export interface AwsDatabaseTransforms extends AwsReplicaTransforms {
  subnetGroup?: Transform<aws.rds.SubnetGroupArgs>;
  parameterGroup?: Transform<aws.rds.ParameterGroupArgs>;
  /** e.g. `{ performanceInsightsEnabled: true, maxAllocatedStorage: 200 }` */
  instance?: Transform<aws.rds.InstanceArgs>;
}

export interface AwsDatabase extends DatabaseEndpoint {
  instance: aws.rds.Instance;
  /** The read replicas of `database.replicas`, in fleet order. */
  replicas: AwsReplica[];
}

/**
 * RDS for PostgreSQL in the primary region's database subnets: private, TLS forced by its parameter
 * group, storage encrypted, automated backups for `database.backupDays` (point-in-time recovery
 * within them), Multi-AZ standby when `database.highAvailability`. Production: deletion protection,
 * a final snapshot, backups kept after deletion, and `protect` on the instance and its subnet group.
 *
 * Changes apply when `pulumi up` runs (`applyImmediately`), not in the next maintenance window: the
 * provider reads the instance back after the update, and a change RDS keeps pending would show as the
 * same diff on every later preview while the stack says it succeeded. A size change restarts the
 * instance (a Multi-AZ instance fails over to its standby first), a major version upgrade takes it
 * down for its duration (docs/aws.md, "Changing the database").
 */
export function createDatabase(
  name: string,
  args: DatabaseInputs<"aws"> & DatabaseCredentials,
  t: AwsDatabaseTransforms = {},
  parent: pulumi.Resource,
): AwsDatabase {
  const { spec, cloud } = args;
  const net = args.network.handle;
  const db = spec.database;
  const production = spec.production;
  // Let go of (a finished migration's source, a cancelled one's target): deletable by the update that
  // closes the migration, with a final snapshot and the automated backups kept, in dev stacks too.
  const leaving = args.leaving !== undefined;
  const kept = production || leaving;
  const opts: pulumi.CustomResourceOptions = { provider: args.providers.handle.primary.provider, parent, protect: production && !leaving };
  // The group's family follows the major version, and a new family is a new group (the provider
  // forces a replacement): created under a new name before the instance moves to it, the old one
  // deleted after. So it is never protected: it holds no data, and protect would refuse that swap.
  const groupOpts: pulumi.CustomResourceOptions = { ...opts, protect: false };
  const tags = { Name: awsNames.nameTag(spec.prefix, "database"), "portage-role": "database" };

  const { subnetGroup, parameterGroup } = rdsGroups(
    name,
    spec,
    { subnets: net.databaseSubnets, subnetsDescription: `portage ${spec.prefix}: private database subnets`, tags },
    t,
    { subnets: opts, parameters: groupOpts },
  );
  const instance = new aws.rds.Instance(
    ...transform(
      t.instance,
      `${name}-postgres`,
      {
        engine: "postgres",
        // A major version: RDS picks the minor and upgrades it in the maintenance window.
        engineVersion: db.version,
        autoMinorVersionUpgrade: true,
        // A new database.version is an in-place upgrade, moving to its parameter group in the same
        // call (ModifyDBInstance: a major upgrade with a custom group must name one of the new family).
        allowMajorVersionUpgrade: true,
        applyImmediately: true,
        // Checked in preview: RDS offers the class for the version in the region (aws-orderable.ts).
        instanceClass: orderableClass(
          { instanceClass: cloud.database.tier, version: db.version, region: cloud.primary.region },
          args.providers.handle.primary.provider,
          parent,
        ),
        allocatedStorage: db.storageGb,
        storageType: "gp3",
        storageEncrypted: true,
        dbName: db.name,
        username: args.user,
        password: args.password,
        port: db.port,
        dbSubnetGroupName: subnetGroup.name,
        parameterGroupName: parameterGroup.name,
        vpcSecurityGroupIds: [net.databaseSecurityGroup.id],
        publiclyAccessible: false,
        multiAz: db.highAvailability,
        backupRetentionPeriod: db.backupDays,
        copyTagsToSnapshot: true,
        deletionProtection: production && !leaving,
        skipFinalSnapshot: !kept,
        ...(kept ? { finalSnapshotIdentifier: finalSnapshot(name, spec.prefix, args.leaving, parent) } : {}),
        deleteAutomatedBackups: !kept,
        tags: { ...tags, ...(args.leaving ? { [leavingTag]: args.leaving } : {}) },
      },
      opts,
    ),
  );
  const replicas = createReplicas(name, args, instance, t, parent);
  return { instance, replicas, host: instance.address, port: instance.port };
}

/**
 * The final snapshot's name (unique in the account and region: RDS refuses the deletion when a
 * snapshot of that name exists, DeleteDBInstance's FinalDBSnapshotIdentifier). A database a migration
 * lets go of carries a random part made when it is let go of: a stack may cancel a move more than
 * once, or move away, back and away again, and each time's snapshot is kept until its owner deletes it.
 */
function finalSnapshot(
  name: string,
  prefix: string,
  leaving: "moved" | "cancelled" | undefined,
  parent: pulumi.Resource,
): pulumi.Input<string> {
  if (leaving === undefined) return awsNames.finalSnapshotIdentifier(prefix);
  const attempt = new random.RandomId(`${name}-${leaving}`, { byteLength: 4 }, { parent });
  return attempt.hex.apply((hex) => `${awsNames.finalSnapshotIdentifier(`${prefix}-${leaving}`)}-${hex}`);
}
