import type { Storage } from "@google-cloud/storage";
import type { RolloutBucket, WriteCondition } from "./bucket";

export interface GcsBucketOptions {
  bucket: string;
  /** A GCS-compatible endpoint (a local stand-in); unset: Google's, with Application Default Credentials. */
  apiEndpoint?: string;
}

/**
 * The stack's GCS bucket through the Cloud Storage client, with the credentials `pulumi up` has
 * (Application Default Credentials: workload identity federation in CI, `gcloud auth
 * application-default login` on a laptop). The version tag is the object's generation;
 * conditional writes use `ifGenerationMatch` (0: only when absent), answered 412 when it moved
 * (https://cloud.google.com/storage/docs/request-preconditions).
 */
export function gcsBucket(options: GcsBucketOptions): RolloutBucket {
  // Required here, not at the top: the dynamic provider serializes this function (see s3.ts).
  const gcs = require("@google-cloud/storage") as typeof import("@google-cloud/storage");
  const storage: Storage = new gcs.Storage(
    options.apiEndpoint ? { apiEndpoint: options.apiEndpoint, useAuthWithCustomEndpoint: false } : {},
  );
  const bucket = storage.bucket(options.bucket);
  const status = (e: unknown) => (e as { code?: number }).code;
  const conflict = (key: string) => Object.assign(new Error(`${key} changed while it was being updated`), { name: "WriteConflict" });

  return {
    url: `gs://${options.bucket}`,
    async read(key) {
      try {
        const [metadata] = await bucket.file(key).getMetadata();
        const generation = String(metadata.generation ?? "");
        // That very generation: a write between the two requests cannot pair one body with another's tag.
        const [body] = await bucket.file(key, { generation }).download();
        return { body: body.toString("utf8"), tag: generation };
      } catch (e) {
        if (status(e) === 404) return undefined;
        throw e;
      }
    },
    async write(key: string, body: string, condition?: WriteCondition) {
      const ifGenerationMatch = condition ? ("ifAbsent" in condition ? 0 : Number(condition.ifMatch)) : undefined;
      try {
        await bucket.file(key).save(body, {
          resumable: false,
          contentType: "application/json",
          ...(ifGenerationMatch !== undefined ? { preconditionOpts: { ifGenerationMatch } } : {}),
        });
      } catch (e) {
        if (status(e) === 412) throw conflict(key);
        throw e;
      }
    },
    async list(prefix) {
      const [files] = await bucket.getFiles({ prefix });
      return files.map((f) => f.name).sort();
    },
    async remove(keys) {
      for (const key of keys) await bucket.file(key).delete({ ignoreNotFound: true });
    },
  };
}
