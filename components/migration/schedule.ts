import type { Cloud } from "../config";

/**
 * How often the bucket's copy runs again until cutover, by the cloud it copies into: what the last
 * pass has left is at most this much of the app's writing. Storage Transfer Service (into GCP) is
 * free for agentless transfers: every hour. DataSync (into AWS) bills each run in Enhanced mode
 * ($0.55 a task execution): every 6 hours, about $67 a month (components/costs/migration.ts).
 */
export const bucketCopyEveryHours: Record<Cloud, number> = { gcp: 1, aws: 6 };
