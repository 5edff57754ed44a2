import type { RolloutBucket } from "./bucket";
import { directoryBucket } from "./directory";
import { gcsBucket } from "./gcs";
import { s3Bucket } from "./s3";

/** Where the stack's bucket is, as plain data (it travels in a dynamic resource's inputs). */
export type BucketRef =
  | { kind: "s3"; bucket: string; region: string; endpoint?: string }
  | { kind: "gcs"; bucket: string; apiEndpoint?: string }
  | { kind: "directory"; path: string };

const opens: { [K in BucketRef["kind"]]: (ref: Extract<BucketRef, { kind: K }>) => RolloutBucket } = {
  s3: (ref) => s3Bucket({ bucket: ref.bucket, region: ref.region, ...(ref.endpoint ? { endpoint: ref.endpoint } : {}) }),
  gcs: (ref) => gcsBucket({ bucket: ref.bucket, ...(ref.apiEndpoint ? { apiEndpoint: ref.apiEndpoint } : {}) }),
  directory: (ref) => directoryBucket(ref.path),
};

export function openBucket(ref: BucketRef): RolloutBucket {
  return (opens[ref.kind] as (r: BucketRef) => RolloutBucket)(ref);
}
