/**
 * The little the rollout needs of the stack's bucket, through the cloud's API with the credentials
 * `pulumi up` already has. Implementations: S3 (s3.ts), GCS (gcs.ts), a directory (directory.ts,
 * the local stand-ins).
 */
export interface RolloutBucket {
  /** `s3://name`, `gs://name`, `file:///dir`: for messages. */
  readonly url: string;
  /** The object's body and its version tag (ETag / generation), or undefined when there is none. */
  read(key: string): Promise<StoredObject | undefined>;
  /**
   * Writes the object. `ifMatch`: only while its version tag is still this one; `ifAbsent`: only
   * when there is no such object. A failed condition throws `WriteConflict`.
   */
  write(key: string, body: string, condition?: WriteCondition): Promise<void>;
  /** Every key under the prefix. */
  list(prefix: string): Promise<string[]>;
  /** Deletes these keys (a missing one is no error). */
  remove(keys: readonly string[]): Promise<void>;
}

export interface StoredObject {
  body: string;
  tag: string;
}

export type WriteCondition = { ifMatch: string } | { ifAbsent: true };

/** Another writer changed the object between our read and our write: read it again. */
export class WriteConflict extends Error {
  constructor(key: string) {
    super(`${key} changed while it was being updated`);
    this.name = "WriteConflict";
  }
}

/**
 * Read-modify-write with compare-and-swap: `change` gets the current body (undefined when there is
 * none) and returns the new one; retried when another writer got there first.
 */
export async function updateObject(
  bucket: RolloutBucket,
  key: string,
  change: (current: string | undefined) => string,
  attempts = 20,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await bucket.read(key);
    const body = change(current?.body);
    try {
      await bucket.write(key, body, current ? { ifMatch: current.tag } : { ifAbsent: true });
      return;
    } catch (e) {
      if (!(e instanceof Error && e.name === "WriteConflict") || attempt >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 100));
    }
  }
}
