import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import {
  lastPassProblems,
  lastPassProvider,
  type LastPassInputs,
  type LastPassTransfer,
  type TransferRuns,
} from "../../components/migration/last-pass";

/**
 * The cutover's last bucket pass, driven through a fake cloud: what `pulumi up` does with it (create
 * runs and waits, diff decides whether it runs again) and what it says when the cloud's run fails or
 * takes too long.
 */

type Script = { status: string; done?: boolean; failed?: string }[];

/** A transfer whose runs go through `script` one poll at a time; a run already going when `busy` is set. */
function fakeCloud(script: Script, busy?: Script) {
  const calls: string[] = [];
  const runs = new Map<string, Script>();
  if (busy) runs.set("op-scheduled", [...busy]);
  let started = 0;
  const cloud: TransferRuns = {
    name: "fake job",
    async active() {
      calls.push("active");
      return busy ? "op-scheduled" : undefined;
    },
    async start() {
      started += 1;
      const run = `op-${started}`;
      calls.push(`start ${run}`);
      runs.set(run, [...script]);
      return run;
    },
    async state(run) {
      calls.push(`state ${run}`);
      const steps = runs.get(run)!;
      const step = steps.length > 1 ? steps.shift()! : steps[0]!;
      return { done: Boolean(step.done), progress: step.status, ...(step.failed ? { failed: step.failed } : {}) };
    },
  };
  let clock = 0;
  const log: string[] = [];
  const io = {
    log: (l: string) => log.push(l),
    sleep: async (ms: number) => void (clock += ms),
    now: () => clock,
  };
  const opened: LastPassTransfer[] = [];
  const provider = lastPassProvider((t) => (opened.push(t), cloud), io);
  return { provider, calls, log, opened, started: () => started };
}

const sts: LastPassTransfer = { kind: "storage-transfer", project: "shop-prod", job: "transferJobs/1234567890" };
const inputs: LastPassInputs = { transfer: sts, timeoutSeconds: 600, pollSeconds: 15 };
const ok: Script = [{ status: "QUEUED" }, { status: "IN_PROGRESS, 3 objects copied" }, { status: "SUCCESS, 7 objects copied", done: true }];

describe("the cutover's last bucket pass (dynamic provider, fake cloud)", () => {
  it("create runs the transfer once and returns only when the run has ended, saying what it did", async () => {
    const { provider, calls, log, opened } = fakeCloud(ok);
    const out = await provider.create!(inputs);
    expect(calls.filter((c) => c.startsWith("start"))).toEqual(["start op-1"]);
    expect(calls.at(-1)).toBe("state op-1");
    expect(out.id).toBe("op-1");
    expect(out.outs).toMatchObject({ run: "op-1", copied: "SUCCESS, 7 objects copied", seconds: 30 });
    expect(opened).toEqual([sts]);
    expect(log.some((l) => l.includes("last pass started (op-1)"))).toBe(true);
    expect(log.some((l) => l.includes("IN_PROGRESS, 3 objects copied"))).toBe(true);
    expect(log.at(-1)).toContain("last pass done in 30 s");
  });

  it("waits for a scheduled pass still running before it starts its own (Storage Transfer runs one at a time)", async () => {
    const { provider, calls } = fakeCloud(ok, [{ status: "IN_PROGRESS" }, { status: "SUCCESS", done: true }]);
    await provider.create!(inputs);
    const start = calls.indexOf("start op-1");
    expect(calls.slice(0, start)).toEqual(["active", "state op-scheduled", "state op-scheduled"]);
  });

  it("a failed run fails the update with the cloud's own error, and nothing is recorded (pulumi up runs it again)", async () => {
    const { provider } = fakeCloud([
      { status: "LAUNCHING" },
      { status: "ERROR", done: true, failed: "S3ObjectNotFound: the source object changed during the copy" },
    ]);
    await expect(provider.create!(inputs)).rejects.toThrow(
      "the bucket's last pass (fake job, op-1) failed: S3ObjectNotFound: the source object changed during the copy; fix the cause, then run pulumi up again",
    );
  });

  it("gives up at its timeout with a clear message, the run left going in the cloud", async () => {
    const { provider, started } = fakeCloud([{ status: "TRANSFERRING, 10 objects copied" }]);
    await expect(provider.create!({ ...inputs, timeoutSeconds: 60 })).rejects.toThrow(
      "the bucket's last pass (fake job) did not end within 60 s (last pass op-1: TRANSFERRING, 10 objects copied); it goes on in the cloud and deletes nothing; run pulumi up again",
    );
    expect(started()).toBe(1);
  });

  it("never runs again while its transfer stays the same (finish keeps the inputs), only for another transfer", async () => {
    const { provider, started } = fakeCloud(ok);
    const created = await provider.create!(inputs);
    const olds = created.outs;
    expect((await provider.diff!("op-1", olds, inputs)).changes).toBe(false);
    // A longer timeout shapes a pass that has already run: no new pass.
    expect((await provider.diff!("op-1", olds, { ...inputs, timeoutSeconds: 7200 })).changes).toBe(false);
    expect((await provider.diff!("op-1", olds, { ...inputs, transfer: { ...sts, job: "transferJobs/other" } })).changes).toBe(true);
    expect(started()).toBe(1);
    await provider.delete!("op-1", olds);
    expect(started()).toBe(1);
  });

  it("refuses in the preview what the clouds would refuse: names, ARNs and timeouts", () => {
    expect(lastPassProblems(inputs)).toEqual([]);
    const task = {
      kind: "datasync",
      region: "us-east-1",
      taskArn: "arn:aws:datasync:us-east-1:123456789012:task/task-0123456789abcdef0",
    } as const;
    expect(lastPassProblems({ ...inputs, transfer: task })).toEqual([]);
    expect(lastPassProblems({ ...inputs, transfer: { ...sts, job: "1234" } })).toEqual([
      'transfer.job "1234" is not a transfer job\'s name (transferJobs/...)',
    ]);
    expect(lastPassProblems({ ...inputs, transfer: { ...task, taskArn: "task-1" } })).toEqual([
      'transfer.taskArn "task-1" is not a DataSync task\'s ARN',
    ]);
    expect(lastPassProblems({ ...inputs, timeoutSeconds: 0, pollSeconds: 1.5 })).toEqual([
      "timeoutSeconds is not a positive whole number",
      "pollSeconds is not a positive whole number",
    ]);
  });
});

describe("the last pass's provider as Pulumi stores it", () => {
  it("serializes without capturing the clouds' SDKs: they are required by name where it runs", async () => {
    const provider = lastPassProvider();
    // What pulumi.dynamic.Resource does with a provider (serializeProvider in @pulumi/pulumi).
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
    expect(serialized.text).toContain('require("@google-cloud/storage-transfer")');
    expect(serialized.text).toContain('require("@aws-sdk/client-datasync")');
    // A captured SDK would carry its client classes' code into the state.
    expect(serialized.text).not.toContain("class StorageTransferServiceClient");
    expect(serialized.text).not.toContain("class DataSyncClient");
    expect(serialized.text.length).toBeLessThan(100_000);
  });
});

describe("the SDK calls the last pass makes, against the installed SDKs", () => {
  it("Storage Transfer's client has the methods it calls; DataSync's module the client and commands it sends", () => {
    const sts = require("@google-cloud/storage-transfer") as { StorageTransferServiceClient: { prototype: object } };
    for (const method of ["getTransferJob", "runTransferJob", "checkRunTransferJobProgress"])
      expect(typeof (sts.StorageTransferServiceClient.prototype as Record<string, unknown>)[method], method).toBe("function");
    const datasync = require("@aws-sdk/client-datasync") as Record<string, unknown>;
    for (const name of ["DataSyncClient", "StartTaskExecutionCommand", "DescribeTaskExecutionCommand"])
      expect(typeof datasync[name], name).toBe("function");
  });
});
