/**
 * portage-bucket, the agent's bucket client, with real curl against the stand-in (lab/bucket): on
 * aws, requests SigV4-signed with credentials from IMDSv2, checked by the stand-in as S3 checks
 * them; on gcp, GCS's XML API with the metadata server's token. Conditional polls (304), absent
 * objects, uploads, the credential cache, and portage-fetch handing its downloads over to it.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeFiles } from "../../components/node/node";
import type { NodeRuntime } from "../../components/node/types";
import { startBucketStandIn, type BucketStandIn } from "../../lab/bucket/standin";
import { install, removeScratchDirs, scratchDir, scratchNode, support } from "../../lab/scratch/scratch";

let standIn: BucketStandIn;
const store = scratchDir("bucket-standin");

beforeAll(async () => {
  standIn = await startBucketStandIn({ dir: store, host: "127.0.0.1", region: "eu-west-3" });
});

afterAll(async () => {
  await standIn?.close();
  removeScratchDirs();
});

/** An object as the stack writes it into the bucket. */
function object(bucket: string, key: string, content: string): void {
  mkdirSync(dirname(join(store, bucket, key)), { recursive: true });
  writeFileSync(join(store, bucket, key), content);
}

function run(root: string, cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      join(root, "usr/local/bin", cmd),
      args,
      { env: { ...process.env, PATH: `${support}:${process.env.PATH}`, PORTAGE_ROOT: root } },
      (e, stdout, stderr) => resolve({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** A scratch node whose bucket is the stand-in, as a VM of that cloud sees S3 / GCS and its metadata server. */
function cloudNode(provider: "aws" | "gcp", bucket: string): string {
  const { root, rt } = scratchNode([4000, 4001], "", {});
  const cloud: NodeRuntime = {
    ...rt,
    provider,
    releases: { provider, location: provider === "aws" ? "eu-west-3" : "my-project", bucket, prefix: "releases/" },
    agent: {},
    endpoints: { bucket: standIn.url, metadata: standIn.url },
  };
  install(root, nodeFiles(cloud));
  return root;
}

describe.each(["aws", "gcp"] as const)("portage-bucket on %s, with curl against the stand-in", (provider) => {
  const bucket = `portage-${provider}-bucket`;
  let root: string;
  beforeAll(() => {
    root = cloudNode(provider, bucket);
  });

  it("uploads a result the stand-in accepts as the node's own (signed for the bucket's region)", async () => {
    const file = join(root, "result.json");
    writeFileSync(file, '{"state":"started"}\n');
    const put = await run(root, "portage-bucket", ["put", "agents/results/local-1/x.json", file, "application/json"]);
    expect(put.stderr).toBe("");
    expect(put.code).toBe(0);
    expect(readFileSync(join(store, bucket, "agents/results/local-1/x.json"), "utf8")).toBe('{"state":"started"}\n');
    const last = standIn.requests.filter((r) => r.method === "PUT").at(-1);
    expect(last).toMatchObject({ api: provider === "aws" ? "s3" : "gcs-xml", status: 200, caller: provider === "aws" ? "node" : "token" });
  });

  it("polls: the object when new (0), nothing but the request when unchanged (3, a 304), 4 when absent", async () => {
    const key = "agents/inbox/local-1.json";
    const dest = join(root, "inbox.json");
    expect((await run(root, "portage-bucket", ["poll", key, dest])).code).toBe(4);
    object(bucket, key, '{"format":1}');
    expect((await run(root, "portage-bucket", ["poll", key, dest])).code).toBe(0);
    expect(readFileSync(dest, "utf8")).toBe('{"format":1}');
    const before = standIn.requests.length;
    expect((await run(root, "portage-bucket", ["poll", key, dest])).code).toBe(3);
    expect(standIn.requests.slice(before).map((r) => r.status)).toEqual([304]);
    object(bucket, key, '{"format":1,"jobs":[]}');
    expect((await run(root, "portage-bucket", ["poll", key, dest])).code).toBe(0);
    expect(readFileSync(dest, "utf8")).toBe('{"format":1,"jobs":[]}');
  });

  it("keeps the VM's credentials between calls instead of asking the metadata server every poll", async () => {
    const key = "agents/inbox/local-1.json";
    const metadata = () => standIn.requests.filter((r) => r.api === "imds" || r.api === "gce").length;
    const before = metadata();
    for (let i = 0; i < 3; i++) await run(root, "portage-bucket", ["poll", key, join(root, "inbox.json")]);
    expect(metadata()).toBe(before);
  });

  it("downloads a release for portage-deploy (portage-fetch hands over to it) and names what is missing", async () => {
    object(bucket, "releases/hello-1.0.0+build.7.tar.gz", "tarball");
    const got = await run(root, "portage-fetch", ["object", "releases/hello-1.0.0+build.7.tar.gz", join(root, "dl/t.tar.gz")]);
    expect(got.stderr).toBe("");
    expect(readFileSync(join(root, "dl/t.tar.gz"), "utf8")).toBe("tarball");
    const missing = await run(root, "portage-fetch", ["object", "releases/nope.tar.gz", join(root, "dl/n.tar.gz")]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("no object releases/nope.tar.gz in the bucket");
  });
});

it("says where credentials are missing when the VM has no role (no metadata server)", async () => {
  const { root, rt } = scratchNode([4000, 4001], "", {});
  install(
    root,
    nodeFiles({
      ...rt,
      provider: "aws",
      releases: { ...rt.releases, provider: "aws", location: "eu-west-3" },
      agent: {},
      endpoints: { metadata: "http://127.0.0.1:9" },
    }),
  );
  const r = await run(root, "portage-bucket", ["poll", "agents/inbox/x.json", join(root, "x.json")]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("portage-bucket: no credentials from http://127.0.0.1:9: does the VM have its role?");
});
