import * as pulumi from "@pulumi/pulumi";
import type { MigrationSpec, Spec } from "../config";
import type { Footprint } from "../footprint";
import type { AgentCommand } from "../rollout";
import type { Vpn } from "../vpn";
import { migrationEnvEntry } from "./env";
import { bucketRef, migrationStep, uploadTool } from "./job";
import { bucketTransfer, type BucketTransfer } from "./transfer";

export interface MigrationArgs {
  spec: Spec & { migration: MigrationSpec };
  /** The footprint on `portage:provider`: it keeps serving, nothing of it changes. */
  source: Footprint;
  /** The footprint on `portage:migration.to`, beside it. */
  target: Footprint;
  /** The tunnels, sessions and rules every step crosses. */
  vpn: Vpn;
}

/** How long `portage-migrate replicate` may take: checks, the schema, then the subscription (the copy goes on after it). */
const replicateTimeoutSeconds = 1800;

/**
 * What moves the data while a migration stands, on top of the two footprints and the VPN:
 * - the database: `portage-migrate replicate` (grant, check, publication, schema, subscription) as a
 *   job on the target's first node, which reaches both databases; it runs once the target fleet runs
 *   the release and the VPN is up, and again when the tool changes (every command is idempotent);
 * - the bucket: the target cloud's transfer service copying the source bucket every hour (transfer.ts).
 * The source's resources are only read: its database gets a publication (a catalog entry, no
 * restart), its bucket a reader.
 */
export class Migration extends pulumi.ComponentResource {
  /** The job that started the replication (its output: what portage-migrate did). */
  readonly replication: AgentCommand;
  readonly transfer: BucketTransfer;
  /** The node that runs every database step (an agent name). */
  readonly jobAgent: string;

  constructor(name: string, args: MigrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("portage:migration:Migration", name, {}, opts);
    const { spec, source, target, vpn } = args;
    const jobNode = target.fleet.created[0];
    if (!jobNode) throw new Error("the migration's target has no node to run its steps");
    this.jobAgent = jobNode.spec.name;
    const tool = uploadTool(`${name}-tool`, target, this);
    const env = migrationEnvEntry(
      `${name}-env`,
      { prefix: spec.prefix, source, target, clientMajor: spec.database.version, jobNode: 0 },
      this,
    );
    this.replication = migrationStep(
      `${name}-replicate`,
      {
        bucket: bucketRef(target),
        agent: this.jobAgent,
        tool,
        envRef: env.ref,
        command: ["replicate"],
        timeoutSeconds: replicateTimeoutSeconds,
        triggers: [],
        dependsOn: [...env.resources, ...vpn.ready, target.release, target.database, source.database],
      },
      this,
    );
    this.transfer = bucketTransfer(`${name}-bucket`, source, target, spec.prefix, this);
    this.registerOutputs({});
  }
}
