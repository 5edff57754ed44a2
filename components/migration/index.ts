/**
 * A migration between clouds (issue 11): the data plane (data-plane.ts: `portage-migrate` and the
 * source edge's forwarding) and the cloud side built on it (migration.ts: the jobs that run the
 * tool on the target's first node through its agent, the bucket's transfer service).
 */
export * from "./data-plane";
export { migrationEnvEntry, migrationEnvName, postgresUrl, type MigrationEnvEntry } from "./env";
export { bucketRef, migrationStep, stepArgv, toolPrefix, uploadTool, type MigrationStepArgs, type MigrationTool } from "./job";
export { DomainMoved, stillAtSource, type DomainMovedInputs } from "./domain";
export { catchUpSeconds, Migration, type MigrationArgs } from "./migration";
export { bucketCopyEveryHours } from "./schedule";
export { bucketTransfer, footprintPrefixes, type BucketTransfer } from "./transfer";
export {
  BucketLastPass,
  lastPassProblems,
  lastPassProvider,
  lastPassTimeouts,
  runLastPass,
  type LastPassInputs,
  type LastPassTransfer,
  type TransferRuns,
} from "./last-pass";
