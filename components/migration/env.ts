import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { Database } from "../database";
import type { Footprint } from "../footprint";
import { secretName } from "../names";
import { envFile } from "../node/env-file";
import { migrationEnv } from "./data-plane";
import { serverChecks } from "./tls";

/** The store entry the migration's jobs read: named like the stack's other entries, in the target's store. */
export const migrationEnvName = "MIGRATION_ENV";

/**
 * `postgresql://` URL of a footprint's database as a node reaches it, TLS required. The job node
 * also checks each server with its CA (tls.ts: portage-migrate turns sslmode into verify-full or
 * verify-ca); the subscriptions between the two databases keep `require` (portage-migrate).
 */
export function postgresUrl(database: Database): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.interpolate`postgresql://${database.user}:${database.password.apply(encodeURIComponent)}@${database.host}:${database.port}/${database.name}?sslmode=require`,
  );
}

export interface MigrationEnvEntry {
  /** What `portage-fetch secret` reads: the SSM parameter name or the Secret Manager secret id. */
  ref: string;
  /** The entry and, on GCP, the job node's grant to read it. */
  resources: pulumi.Resource[];
}

/**
 * The databases' URLs for `portage-migrate` (migrationEnv), as one secret entry of the target's store
 * that the target's nodes may read: aws, an SSM SecureString under the stack's path (the nodes' role
 * grants that path already); gcp, a Secret Manager secret with its own accessor grant to the node
 * that runs the steps (the nodes' condition names their entries one by one).
 */
export function migrationEnvEntry(
  name: string,
  args: { prefix: string; source: Footprint; target: Footprint; clientMajor: string; jobNode: number },
  parent: pulumi.Resource,
): MigrationEnvEntry {
  const { source, target } = args;
  const servers = serverChecks(`${name}-source-ca`, source, target, parent);
  const value = pulumi.secret(
    pulumi
      .all([postgresUrl(source.database), postgresUrl(target.database)])
      .apply(([s, t]) =>
        envFile(
          [
            ...Object.entries(migrationEnv({ source: s, target: t, sourceServer: servers.source, targetServer: servers.target })),
            ["PORTAGE_MIGRATE_CLIENT_MAJOR", args.clientMajor],
          ],
          "portage-migrate's inputs (components/migration/env.ts)",
        ),
      ),
  );
  const ref = secretName(args.prefix, target.cloud, migrationEnvName);
  if (target.cloud === "aws") {
    const at = target as Footprint<"aws">;
    // Standard tier: 4 KB, two URLs take a few hundred bytes (components/node/app-env.ts, settingsEntryLimit).
    const parameter = new aws.ssm.Parameter(
      name,
      {
        name: ref,
        type: "SecureString",
        value,
        tier: "Standard",
        description: `The databases of ${args.prefix}'s migration, read by portage-migrate on the node that runs its steps`,
      },
      { parent, provider: at.providers.handle.primary.provider },
    );
    return { ref, resources: [parameter, ...servers.resources] };
  }
  const gt = target as Footprint<"gcp">;
  const opts = { parent, provider: gt.providers.handle.provider };
  const secret = new gcp.secretmanager.Secret(name, { secretId: ref, replication: { auto: {} } }, { ...opts, deleteBeforeReplace: true });
  const version = new gcp.secretmanager.SecretVersion(name, { secret: secret.id, secretData: value }, opts);
  const node = gt.fleet.handle.nodes[args.jobNode];
  if (!node) throw new Error("the migration's target has no node to run its steps");
  const grant = new gcp.secretmanager.SecretIamMember(
    `${name}-reader`,
    { secretId: secret.id, role: "roles/secretmanager.secretAccessor", member: node.serviceAccount.member },
    opts,
  );
  return { ref, resources: [secret, version, grant, ...servers.resources] };
}
