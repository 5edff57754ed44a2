import { parseBatchSize } from "../../rollout/batches";
import type { Spec } from "../spec";
import type { SectionInput } from "./context";

/** `portage:rollout`: a batch size as a count or a share, and a deploy timeout that leaves the health check its time. */
export function rolloutSection({ raw, problems }: SectionInput): Spec["rollout"] {
  const r = raw.rollout;
  const parsed = parseBatchSize(r.batchSize, "rollout.batchSize");
  if ("problem" in parsed) problems.at("rollout.batchSize", parsed.problem.replace(/^rollout\.batchSize is /, ""));
  // portage-deploy waits up to healthTimeoutSeconds for the release, then drains: the deploy needs more.
  const deployTimeoutSeconds = r.deployTimeoutSeconds === 0 ? r.healthTimeoutSeconds + 600 : r.deployTimeoutSeconds;
  if (r.deployTimeoutSeconds !== 0 && deployTimeoutSeconds < r.healthTimeoutSeconds + 60) {
    problems.at(
      "rollout.deployTimeoutSeconds",
      `${r.deployTimeoutSeconds} leaves a node's deploy less than a minute beyond healthTimeoutSeconds (${r.healthTimeoutSeconds}); give at least ${r.healthTimeoutSeconds + 60}, or 0 for healthTimeoutSeconds + 600`,
    );
  }
  return {
    batchSize: "size" in parsed ? parsed.size : 1,
    healthTimeoutSeconds: r.healthTimeoutSeconds,
    pollSeconds: r.pollSeconds,
    pickupTimeoutSeconds: r.pickupTimeoutSeconds,
    deployTimeoutSeconds,
    migrateTimeoutSeconds: r.migrateTimeoutSeconds,
  };
}
