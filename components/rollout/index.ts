/**
 * Rollouts and one-off commands through the stack's bucket: `pulumi up` needs only the cloud
 * credentials it already has, never a network path to a server. The protocol (protocol.ts) is the
 * contract with `portage-agent` on the VMs (components/node/files/portage-agent).
 */
export { batchesOf, nodesPerBatch, parseBatchSize, type BatchSize } from "./batches";
export { updateObject, WriteConflict, type RolloutBucket, type StoredObject, type WriteCondition } from "./bucket";
export { directoryBucket } from "./directory";
export { gcsBucket, type GcsBucketOptions } from "./gcs";
export { openBucket, type BucketRef } from "./open";
export {
  cleanUp,
  RolloutFailed,
  runCommand,
  runJob,
  runRollout,
  type RolloutIo,
  type RolloutOutcome,
  type RolloutPlan,
  type StepOutcome,
} from "./orchestrator";
export * from "./protocol";
export {
  AgentCommand,
  Rollout,
  rolloutInputProblems,
  type AgentCommandInputs,
  type AgentCommandOutputs,
  type RolloutInputs,
  type RolloutOutputs,
} from "./resources";
export { s3Bucket, type S3BucketOptions } from "./s3";
