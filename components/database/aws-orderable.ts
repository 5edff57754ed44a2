import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** What the check needs: the database's class, its major version, its region. */
export interface OrderableQuery {
  instanceClass: string;
  version: string;
  region: string;
}

/**
 * The instance class, once the preview has checked RDS offers it in the region for the Postgres
 * version with gp3 storage (rds:DescribeDBEngineVersions, rds:DescribeOrderableDBInstanceOptions:
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html).
 * The version is the major one the stack asks for; the lookup takes its newest minor. The instance
 * takes the class from here, so a class RDS would refuse fails the preview, before any resource.
 */
export function orderableClass(q: OrderableQuery, provider: aws.Provider, parent: pulumi.Resource): pulumi.Output<string> {
  return pulumi.output(orderableProblem(q, provider, parent)).apply((problem) => {
    if (problem) throw new Error(problem);
    return q.instanceClass;
  });
}

/** What RDS refuses of the query, as a message naming the key, or undefined. */
export async function orderableProblem(q: OrderableQuery, provider: aws.Provider, parent: pulumi.Resource): Promise<string | undefined> {
  const opts = { provider, parent };
  let version: string;
  try {
    const found = await aws.rds.getEngineVersion({ engine: "postgres", version: q.version, latest: true }, opts);
    version = found.versionActual || found.version;
  } catch (error) {
    return versionProblem(q, reasonOf(error));
  }
  try {
    await aws.rds.getOrderableDbInstance(
      { engine: "postgres", engineVersion: version, instanceClass: q.instanceClass, storageType: "gp3" },
      opts,
    );
  } catch (error) {
    if (severalOptions(error)) return undefined;
    return classProblem(q, version, reasonOf(error));
  }
  return undefined;
}

export function versionProblem(q: OrderableQuery, why: string): string {
  return (
    `portage:database.version: RDS offers no Postgres ${q.version} in ${q.region}${why ? ` (${why})` : ""}; ` +
    `the versions it offers: aws rds describe-db-engine-versions --engine postgres --region ${q.region} --query 'DBEngineVersions[].EngineVersion'`
  );
}

export function classProblem(q: OrderableQuery, version: string, why: string): string {
  return (
    `portage:database.size: RDS offers no ${q.instanceClass} for Postgres ${version} with gp3 storage in ${q.region}${why ? ` (${why})` : ""}; choose a class it offers: ` +
    `aws rds describe-orderable-db-instance-options --engine postgres --engine-version ${version} --region ${q.region} --query 'OrderableDBInstanceOptions[].DBInstanceClass'`
  );
}

/** The provider's reason: the last line of its error ("invoking ...: 1 error occurred:\n\t* <reason>"). */
function reasonOf(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error))
    .split("\n")
    .map((l) => l.trim().replace(/^\* /, ""))
    .filter((l) => l !== "");
  return lines.at(-1) ?? "";
}

/**
 * The data source's refusal to choose among several options of the class (network types, storage
 * autoscaling, ...): the class is offered (terraform-provider-aws, rds orderable_instance_data_source).
 */
export function severalOptions(error: unknown): boolean {
  return /multiple (\(\d+\) )?RDS DB Instance Classes/.test(error instanceof Error ? error.message : String(error));
}
