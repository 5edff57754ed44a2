import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { Bucket } from "../bucket";
import type { CloudSpec } from "../config";
import type { Database } from "./index";

/** The bucket key of Cloud SQL's server CA, which the nodes fetch at boot. */
export const serverCaKey = "database/server-ca.pem";

/**
 * Where a node gets the certificates that verify the database server (`NodeRuntime.databaseCa`):
 * - aws: RDS's bundle for the database's region, from AWS's trust store
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html#UsingWithRDS.SSL.CertificatesAllRegions),
 *   every CA RDS signs its servers with there (rotations included);
 * - gcp: the instance's own server CA (`serverCaCerts`), which the stack writes to the bucket.
 */
export function databaseCaSource(cloud: CloudSpec, node?: { region: { region: string } }): string {
  const region = cloud.primary.region;
  if (cloud.cloud !== "aws") return serverCaKey;
  // A node of a region with a read replica verifies two regions' servers: the global bundle has every region's CAs.
  if (node && cloud.database.replicas.some((r) => r.region === node.region.region)) {
    return "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem";
  }
  return `https://truststore.pki.rds.amazonaws.com/${region}/${region}-bundle.pem`;
}

/**
 * Cloud SQL's server CAs (the current one and, during a rotation, the next) as a bucket object the
 * nodes read with the grant they already have. Not a secret: a CA certificate is public.
 */
export function publishServerCa(name: string, database: Database<"gcp">, bucket: Bucket<"gcp">, provider: pulumi.ProviderResource): void {
  new gcp.storage.BucketObject(
    `${name}-server-ca`,
    { bucket: bucket.handle.bucket.name, name: serverCaKey, content: serverCaPem(database), contentType: "application/x-pem-file" },
    { parent: database, provider },
  );
}

/**
 * The PEM of a Cloud SQL database's server CAs, its read replicas' included (a node of a replica's
 * region verifies both servers), each once.
 */
export function serverCaPem(database: Database<"gcp">): pulumi.Output<string> {
  const instances = [database.handle.instance, ...database.handle.replicas.map((r) => r.instance)];
  return pulumi.all(instances.map((i) => i.serverCaCerts)).apply((lists) => {
    const all = [...new Set(lists.flatMap((certs) => certs ?? []).map((c) => c.cert.trim()))].filter((c) => c !== "");
    return all.length > 0 ? `${all.join("\n")}\n` : "";
  });
}
