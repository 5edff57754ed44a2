import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { databaseCaSource, serverCaPem } from "../database/ca";
import type { Footprint } from "../footprint";
import { toolPrefix } from "./job";

/** How the node that runs the migration's steps checks a database's server (portage-migrate's `<SIDE>_CA`, `<SIDE>_SSLMODE`). */
export interface ServerCheck {
  /** An https URL, or a key of the target's bucket (the job node's own). */
  ca: string;
  /** RDS's certificate names its endpoint (verify-full); Cloud SQL's names the instance, not the private address the URL holds (verify-ca). */
  sslmode: "verify-full" | "verify-ca";
}

/** The key, in the target's bucket, of a Cloud SQL source's server CAs: the job node cannot read the source's bucket. */
export const sourceCaKey = `${toolPrefix}source-database-ca.pem`;

const sslmode = (footprint: Footprint): ServerCheck["sslmode"] => (footprint.cloud === "aws" ? "verify-full" : "verify-ca");

/**
 * Where the job node (the target's first node) finds each side's CA: the target's is the one its own
 * nodes use (RDS's bundle of the region; Cloud SQL's CA in the target's bucket, `databaseCaSource`);
 * an RDS source's is AWS's public trust store too; a Cloud SQL source's CAs (output by the instance)
 * are written to the target's bucket, which the job node reads. A CA certificate is public.
 */
export function serverChecks(
  name: string,
  source: Footprint,
  target: Footprint,
  parent: pulumi.Resource,
): { source: ServerCheck; target: ServerCheck; resources: pulumi.Resource[] } {
  const targetCheck: ServerCheck = { ca: databaseCaSource(target.spec), sslmode: sslmode(target) };
  if (source.cloud === "aws") {
    return { source: { ca: databaseCaSource(source.spec), sslmode: sslmode(source) }, target: targetCheck, resources: [] };
  }
  if (target.cloud !== "aws") throw new Error("a migration moves between clouds: a Cloud SQL source has an AWS target");
  const at = target as Footprint<"aws">;
  const object = new aws.s3.BucketObjectv2(
    name,
    {
      bucket: at.bucket.name,
      key: sourceCaKey,
      content: serverCaPem((source as Footprint<"gcp">).database),
      contentType: "application/x-pem-file",
    },
    { parent, provider: at.providers.handle.primary.provider },
  );
  return { source: { ca: sourceCaKey, sslmode: sslmode(source) }, target: targetCheck, resources: [object] };
}
