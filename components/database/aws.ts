import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { DatabaseArgs, DatabaseEndpoint } from ".";
import { transform, type Transform } from "../transform";

/** Per-resource escape hatches for the aws database (see components/transform.ts). */
export interface AwsDatabaseTransforms {
  subnetGroup?: Transform<aws.rds.SubnetGroupArgs>;
  parameterGroup?: Transform<aws.rds.ParameterGroupArgs>;
  /** e.g. `{ performanceInsightsEnabled: true, maxAllocatedStorage: 200 }` */
  instance?: Transform<aws.rds.InstanceArgs>;
}

export interface AwsDatabase extends DatabaseEndpoint {
  instance: aws.rds.Instance;
}

/**
 * RDS for PostgreSQL in the primary region's database subnets: private, TLS forced by its parameter
 * group, storage encrypted, automated backups for `database.backupDays` (point-in-time recovery
 * within them), Multi-AZ standby when `database.highAvailability`. Production: deletion protection,
 * a final snapshot, backups kept after deletion, and `protect` on the instance and its groups.
 */
export function createAwsDatabase(
  name: string,
  args: DatabaseArgs & { password: pulumi.Output<string> },
  parent: pulumi.Resource,
): AwsDatabase {
  const { spec, cloud, network } = args;
  const t = args.transform?.aws ?? {};
  const net = network.aws;
  if (!net) throw new Error("the aws database needs the aws network");
  const db = spec.database;
  const production = spec.production;
  const opts: pulumi.CustomResourceOptions = { provider: cloud.awsProvider(), parent, protect: production };
  const tags = { Name: `${spec.prefix}-database`, "portage-role": "database" };

  const subnetGroup = new aws.rds.SubnetGroup(
    ...transform(
      t.subnetGroup,
      `${name}-subnets`,
      { description: `portage ${spec.prefix}: private database subnets`, subnetIds: net.databaseSubnets.map((s) => s.id), tags },
      opts,
    ),
  );
  const parameterGroup = new aws.rds.ParameterGroup(
    ...transform(
      t.parameterGroup,
      `${name}-parameters`,
      {
        family: `postgres${db.version}`,
        description: `portage ${spec.prefix}: TLS required`,
        parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "immediate" }],
        tags,
      },
      opts,
    ),
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
        instanceClass: db.tier,
        allocatedStorage: db.storageGb,
        storageType: "gp3",
        storageEncrypted: true,
        dbName: db.name,
        username: db.user,
        password: args.password,
        port: db.port,
        dbSubnetGroupName: subnetGroup.name,
        parameterGroupName: parameterGroup.name,
        vpcSecurityGroupIds: [net.databaseSecurityGroup.id],
        publiclyAccessible: false,
        multiAz: db.highAvailability,
        backupRetentionPeriod: db.backupDays,
        copyTagsToSnapshot: true,
        deletionProtection: production,
        skipFinalSnapshot: !production,
        ...(production ? { finalSnapshotIdentifier: `${identifier(spec.prefix)}-final` } : {}),
        deleteAutomatedBackups: !production,
        tags,
      },
      opts,
    ),
  );
  return { instance, host: instance.address, port: instance.port };
}

/** RDS identifiers: letters, digits and single hyphens, starting with a letter. */
function identifier(text: string): string {
  const clean = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, 50)
    .replace(/-$/, "");
  return clean || "portage";
}
