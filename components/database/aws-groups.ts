import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { Spec } from "../config";
import { transform, type Transform } from "../transform";
import { rdsReplicationParameters } from "./replication";

/** An RDS instance's subnet group and parameter group (the primary's, or a replica's in its region). */
export interface RdsGroups {
  subnetGroup: aws.rds.SubnetGroup;
  parameterGroup: aws.rds.ParameterGroup;
}

/**
 * The subnet group (`<base>-subnets`, of `subnets`) and the parameter group (`<base>-parameters`:
 * the major version's family, TLS forced, the replication parameters) an RDS instance of the stack
 * uses. The parameter group's family follows the major version, and a new family is a new group:
 * pass options without `protect` for it (it holds no data, and protect would refuse that swap).
 */
export function rdsGroups(
  base: string,
  spec: Spec,
  what: { subnets: aws.ec2.Subnet[]; subnetsDescription: string; tags: Record<string, string> },
  t: { subnetGroup?: Transform<aws.rds.SubnetGroupArgs>; parameterGroup?: Transform<aws.rds.ParameterGroupArgs> },
  opts: { subnets: pulumi.CustomResourceOptions; parameters: pulumi.CustomResourceOptions },
): RdsGroups {
  const subnetGroup = new aws.rds.SubnetGroup(
    ...transform(
      t.subnetGroup,
      `${base}-subnets`,
      { description: what.subnetsDescription, subnetIds: what.subnets.map((s) => s.id), tags: what.tags },
      opts.subnets,
    ),
  );
  const parameterGroup = new aws.rds.ParameterGroup(
    ...transform(
      t.parameterGroup,
      `${base}-parameters`,
      {
        family: `postgres${spec.database.version}`,
        description: `portage ${spec.prefix}: TLS required`,
        parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "immediate" }, ...rdsReplicationParameters(spec)],
        tags: what.tags,
      },
      opts.parameters,
    ),
  );
  return { subnetGroup, parameterGroup };
}
