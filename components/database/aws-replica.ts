import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { RegionSpec } from "../config";
import { awsNames } from "../names";
import type { AwsRegionNetwork } from "../network";
import { transform, type Transform } from "../transform";
import { rdsGroups } from "./aws-groups";
import { orderableClass } from "./aws-orderable";
import { leavingTag, type DatabaseInputs, type ReplicaEndpoint } from "./types";

/** Per-resource escape hatches for the aws read replicas (see components/transform.ts). */
export interface AwsReplicaTransforms {
  /** The replica's own KMS key in its region. */
  replicaKey?: Transform<aws.kms.KeyArgs>;
  replicaSubnetGroup?: Transform<aws.rds.SubnetGroupArgs>;
  replicaParameterGroup?: Transform<aws.rds.ParameterGroupArgs>;
  replica?: Transform<aws.rds.InstanceArgs>;
}

export interface AwsReplica extends ReplicaEndpoint {
  instance: aws.rds.Instance;
}

/**
 * A cross-region read replica of `source` in each region of `database.replicas`, through that
 * region's provider ("Creating a read replica in a different AWS Region", RDS User Guide): the
 * source named by its ARN, storage encrypted with a KMS key of the replica's region (a key cannot
 * leave its region), a subnet group of the region's database subnets, a parameter group of the same
 * family and parameters (TLS forced), the region's replica security group, backups kept like the
 * source's. Engine, version, database and user come from the source. RDS upgrades a source's replicas with it in a major version
 * upgrade, but the replica's parameter group of the old family would have to follow in the same step:
 * the guard refuses the upgrade while replicas exist (components/guard): remove, upgrade, add back.
 * RDS takes no final snapshot of a replica: deleting one loses nothing the source does not hold.
 * So no protection, in production either: removing a region from `database.replicas` (which that
 * upgrade asks for) must delete the replica in that update, and Pulumi refuses to delete a protected
 * resource as RDS refuses DeleteDBInstance with deletion protection on; neither can be lifted by the
 * update that no longer declares the replica.
 */
export function createReplicas(
  name: string,
  args: DatabaseInputs<"aws">,
  source: aws.rds.Instance,
  t: AwsReplicaTransforms,
  parent: pulumi.Resource,
): AwsReplica[] {
  const { spec, cloud } = args;
  const db = spec.database;
  return cloud.database.replicas.map((region) => {
    const net = regionNetwork(args, region);
    const base = `${name}-${region.key}`;
    const opts: pulumi.CustomResourceOptions = { provider: net.provider, parent };
    const tags = { Name: awsNames.nameTag(spec.prefix, `${region.key}-replica`), "portage-role": "database-replica" };

    // A customer managed key (aws.amazon.com/kms/pricing: $1 a month): 30 days to cancel a deletion.
    const key = new aws.kms.Key(
      ...transform(
        t.replicaKey,
        `${base}-key`,
        {
          description: `portage ${spec.prefix}: the ${region.key} read replica's storage`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          tags,
        },
        opts,
      ),
    );
    const { subnetGroup, parameterGroup } = rdsGroups(
      base,
      spec,
      {
        subnets: net.databaseSubnets,
        subnetsDescription: `portage ${spec.prefix}: private subnets of the ${region.key} read replica`,
        tags,
      },
      { subnetGroup: t.replicaSubnetGroup, parameterGroup: t.replicaParameterGroup },
      { subnets: opts, parameters: opts },
    );
    const instance = new aws.rds.Instance(
      ...transform(
        t.replica,
        `${base}-postgres`,
        {
          // Another region: the source's ARN, and a key of this region for its encrypted storage.
          replicateSourceDb: source.arn,
          kmsKeyId: key.arn,
          storageEncrypted: true,
          // Checked in preview in the replica's own region, as the primary's (aws-orderable.ts).
          instanceClass: orderableClass(
            { instanceClass: cloud.database.tier, version: spec.database.version, region: region.region },
            net.provider,
            parent,
          ),
          // The source's size and storage autoscaling (a `maxAllocatedStorage` transform on the
          // primary): RDS sizes each instance on its own (ModifyDBInstance AllocatedStorage), and a
          // replica left smaller than a source that grew fills up and stops replaying its WAL.
          // Ignored at creation, where the replica takes the source's size (the provider's
          // allocatedStorage: "If replicateSourceDb is set, the value is ignored during the creation
          // of the instance"); with a maximum, a replica autoscaled past it is not shrunk back.
          allocatedStorage: source.allocatedStorage,
          maxAllocatedStorage: source.maxAllocatedStorage,
          storageType: "gp3",
          autoMinorVersionUpgrade: true,
          applyImmediately: true,
          dbSubnetGroupName: subnetGroup.name,
          // RDS refuses a parameter group in a Postgres replica's CreateDBInstanceReadReplica ("can't
          // be specified during Read Replica creation for ... postgres"): the provider creates it
          // without, then moves it to this group and reboots it (terraform-provider-aws#38227).
          parameterGroupName: parameterGroup.name,
          vpcSecurityGroupIds: [(net.replicaSecurityGroup as aws.ec2.SecurityGroup).id],
          publiclyAccessible: false,
          backupRetentionPeriod: db.backupDays,
          copyTagsToSnapshot: true,
          deletionProtection: false,
          // DeleteDBInstance: a final snapshot "can't be specified when deleting a read replica".
          skipFinalSnapshot: true,
          deleteAutomatedBackups: true,
          tags: { ...tags, ...(args.leaving ? { [leavingTag]: args.leaving } : {}) },
        },
        opts,
      ),
    );
    return { region, instance, host: instance.address, port: instance.port };
  });
}

function regionNetwork(args: DatabaseInputs<"aws">, region: RegionSpec<"aws">): AwsRegionNetwork {
  const net = args.network.handle.regions.find((r) => r.region.region === region.region);
  if (!net?.replicaSecurityGroup)
    throw new Error(`the network has no replica group in ${region.region}: config/ lists it in cloud.database.replicas`);
  return net;
}
