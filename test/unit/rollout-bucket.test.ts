import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryBucket, gcsBucket, s3Bucket, updateObject, type RolloutBucket } from "../../components/rollout";
import { startBucketStandIn, type BucketStandIn } from "../../lab/bucket/standin";

/**
 * The three bucket clients the rollout runs on, against the same contract: S3 (the AWS SDK) and GCS
 * (the Cloud Storage client) against the local stand-in, which checks SigV4 and the preconditions
 * as the clouds do, and the directory the local fleet uses.
 */
const dir = mkdtempSync(join(tmpdir(), "portage-rollout-bucket-"));
let standIn: BucketStandIn;
const saved = { ...process.env };

beforeAll(async () => {
  standIn = await startBucketStandIn({ dir, host: "127.0.0.1", region: "eu-west-3" });
  // What the SDK's default chain finds on an operator's machine.
  process.env.AWS_ACCESS_KEY_ID = standIn.operator.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = standIn.operator.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});

afterAll(async () => {
  await standIn?.close();
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

const clients: [string, () => RolloutBucket][] = [
  ["S3 (AWS SDK) against the stand-in", () => s3Bucket({ bucket: "b-s3", region: "eu-west-3", endpoint: standIn.url })],
  ["GCS (Cloud Storage client) against the stand-in", () => gcsBucket({ bucket: "b-gcs", apiEndpoint: standIn.url })],
  ["a directory", () => directoryBucket(join(dir, "b-dir"))],
];

describe.each(clients)("the bucket through %s", (_name, open) => {
  it("reads nothing where there is no object, then what was written, with a tag", async () => {
    const bucket = open();
    expect(await bucket.read("agents/inbox/virginia-1.json")).toBeUndefined();
    await bucket.write("agents/inbox/virginia-1.json", '{"a":1}');
    const got = await bucket.read("agents/inbox/virginia-1.json");
    expect(got?.body).toBe('{"a":1}');
    expect(got?.tag).not.toBe("");
  });

  it("refuses a write whose condition no longer holds: absent, or the tag it read", async () => {
    const bucket = open();
    await bucket.write("agents/inbox/cas.json", "one", { ifAbsent: true });
    await expect(bucket.write("agents/inbox/cas.json", "two", { ifAbsent: true })).rejects.toMatchObject({ name: "WriteConflict" });
    const first = await bucket.read("agents/inbox/cas.json");
    await bucket.write("agents/inbox/cas.json", "two", { ifMatch: first!.tag });
    await expect(bucket.write("agents/inbox/cas.json", "three", { ifMatch: first!.tag })).rejects.toMatchObject({ name: "WriteConflict" });
    expect((await bucket.read("agents/inbox/cas.json"))?.body).toBe("two");
  });

  it("loses no update when twelve writers change one object at once (compare-and-swap, retried)", async () => {
    const bucket = open();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        updateObject(bucket, "agents/inbox/counter.json", (body) => JSON.stringify([...(body ? (JSON.parse(body) as number[]) : []), i])),
      ),
    );
    const seen = JSON.parse((await bucket.read("agents/inbox/counter.json"))!.body) as number[];
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("lists the keys under a prefix and removes them", async () => {
    const bucket = open();
    for (const id of ["20250101T000000Z-a", "20250101T000001Z-b"]) await bucket.write(`agents/results/virginia-2/${id}.json`, "{}");
    await bucket.write("agents/results/virginia-20/x.json", "{}");
    const keys = await bucket.list("agents/results/virginia-2/");
    expect(keys).toEqual(["agents/results/virginia-2/20250101T000000Z-a.json", "agents/results/virginia-2/20250101T000001Z-b.json"]);
    await bucket.remove([...keys, "agents/results/virginia-2/never-there.json"]);
    expect(await bucket.list("agents/results/virginia-2/")).toEqual([]);
    expect(await bucket.list("agents/results/virginia-20/")).toEqual(["agents/results/virginia-20/x.json"]);
  });
});

describe("the S3 stand-in checks requests as S3 does", () => {
  it("refuses a request signed with the wrong secret, and one signed for another region", async () => {
    process.env.AWS_SECRET_ACCESS_KEY = "not-the-secret";
    await expect(s3Bucket({ bucket: "b-s3", region: "eu-west-3", endpoint: standIn.url }).read("x")).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
    });
    process.env.AWS_SECRET_ACCESS_KEY = standIn.operator.secretAccessKey;
    await expect(s3Bucket({ bucket: "b-s3", region: "us-east-1", endpoint: standIn.url }).read("x")).rejects.toMatchObject({
      name: "AuthorizationHeaderMalformed",
    });
    const refused = standIn.requests.filter((r) => r.status === 403 || r.status === 400);
    expect(refused.length).toBeGreaterThanOrEqual(2);
  });
});
