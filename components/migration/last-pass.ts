import * as pulumi from "@pulumi/pulumi";

/**
 * The bucket's last pass at cutover: one more run of the transfer that copied the source bucket
 * until then (its schedule is paused from cutover), started once the source no longer takes writes,
 * and waited for. A dynamic resource: `pulumi up` creates it once per cutover and never runs it again
 * while its inputs stay the same (finish keeps them); a failed or timed-out run fails the update and
 * is not recorded, so the next `pulumi up` runs it again. It only starts the clouds' own transfer,
 * which never deletes (transfer.ts). The provider is serialized into the state: it reaches the SDKs by
 * `require` where it runs, and everything it calls lives in this module.
 */

/** The transfer to run once more, as plain data (it travels in the resource's inputs). */
export type LastPassTransfer =
  /** Storage Transfer Service (into GCS): `transferJobs.run`, then the operation it started. */
  | { kind: "storage-transfer"; project: string; job: string }
  /** DataSync (into S3): `StartTaskExecution`, then `DescribeTaskExecution`. */
  | { kind: "datasync"; region: string; profile?: string; taskArn: string };

export interface LastPassInputs {
  transfer: LastPassTransfer;
  timeoutSeconds: number;
  pollSeconds: number;
}

export interface LastPassOutputs extends LastPassInputs {
  /** The operation (Storage Transfer) or task execution (DataSync) the pass was. */
  run: string;
  /** What it copied, as the cloud counts it. */
  copied: string;
  seconds: number;
  finishedAt: string;
}

/** A run's state as the pass reads it. */
export interface RunState {
  done: boolean;
  /** Why it failed, in the cloud's words (set only when done). */
  failed?: string;
  /** Its status and counters, for the log. */
  progress: string;
}

/** One cloud's transfer as the pass drives it (tests give a fake one). */
export interface TransferRuns {
  /** What is run, for the log: "Storage Transfer job transferJobs/1 (project p)". */
  name: string;
  /** A run of this transfer that has not ended (a scheduled pass), or undefined. */
  active(): Promise<string | undefined>;
  /** Starts one run; its id. */
  start(): Promise<string>;
  state(run: string): Promise<RunState>;
}

export interface PassIo {
  log(line: string): void;
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** Inputs the pass cannot run with: the preview fails with these. */
export function lastPassProblems(i: Partial<LastPassInputs>): string[] {
  const problems: string[] = [];
  const t = i.transfer;
  if (t?.kind === "storage-transfer") {
    // A job's name: transferJobs/ then letters, digits and -._~ (https://cloud.google.com/storage-transfer/docs/reference/rest/v1/transferJobs).
    if (!/^transferJobs\/[A-Za-z0-9._~-]+$/.test(t.job))
      problems.push(`transfer.job "${t.job}" is not a transfer job's name (transferJobs/...)`);
    if (!t.project) problems.push("transfer.project is empty");
  } else if (t?.kind === "datasync") {
    // https://docs.aws.amazon.com/datasync/latest/userguide/API_StartTaskExecution.html (TaskArn's pattern)
    if (!/^arn:aws[a-z-]*:datasync:[a-z0-9-]+:\d{12}:task\/task-[0-9a-f]{17}$/.test(t.taskArn))
      problems.push(`transfer.taskArn "${t.taskArn}" is not a DataSync task's ARN`);
  } else
    problems.push(`transfer.kind ${JSON.stringify((t as { kind?: unknown } | undefined)?.kind)} is neither storage-transfer nor datasync`);
  if (!(Number.isInteger(i.timeoutSeconds) && (i.timeoutSeconds ?? 0) > 0)) problems.push("timeoutSeconds is not a positive whole number");
  if (!(Number.isInteger(i.pollSeconds) && (i.pollSeconds ?? 0) > 0)) problems.push("pollSeconds is not a positive whole number");
  return problems;
}

/**
 * Runs the transfer once and waits for the end of that run: first for a run already going (Storage
 * Transfer refuses a second one), then its own. Throws with the cloud's reason when the run fails,
 * and when the time runs out (the run goes on in the cloud: `pulumi up` again waits for a new one).
 */
export async function runLastPass(inputs: LastPassInputs, runs: TransferRuns, io: PassIo): Promise<LastPassOutputs> {
  const started = io.now();
  const deadline = started + inputs.timeoutSeconds * 1000;
  const wait = async (run: string, what: string): Promise<RunState> => {
    let shown = "";
    for (;;) {
      const state = await runs.state(run);
      if (state.progress !== shown) io.log(`${what} ${run}: ${(shown = state.progress)}`);
      if (state.done) return state;
      if (io.now() + inputs.pollSeconds * 1000 > deadline)
        throw new Error(
          `the bucket's last pass (${runs.name}) did not end within ${inputs.timeoutSeconds} s (${what} ${run}: ${state.progress}); ` +
            `it goes on in the cloud and deletes nothing; run pulumi up again to wait for a new pass`,
        );
      await io.sleep(inputs.pollSeconds * 1000);
    }
  };
  const going = await runs.active();
  if (going) {
    io.log(`${runs.name}: a pass is running (${going}); the last pass starts when it ends`);
    await wait(going, "running pass");
  }
  const run = await runs.start();
  io.log(`${runs.name}: last pass started (${run}): the objects written to the source since the previous pass`);
  const end = await wait(run, "last pass");
  if (end.failed !== undefined)
    throw new Error(
      `the bucket's last pass (${runs.name}, ${run}) failed: ${end.failed}; fix the cause, then run pulumi up again (it runs the pass again)`,
    );
  const seconds = Math.round((io.now() - started) / 1000);
  io.log(`${runs.name}: last pass done in ${seconds} s (${end.progress})`);
  return { ...inputs, run, copied: end.progress, seconds, finishedAt: new Date(io.now()).toISOString() };
}

/**
 * The parts of the SDKs the pass calls, as it calls them: the modules are loaded where the provider
 * runs, and a checkout whose node_modules predates them still type-checks (a unit test checks these
 * names against the installed SDKs).
 */
interface StorageTransferSdk {
  StorageTransferServiceClient: new () => {
    getTransferJob(r: { jobName: string; projectId: string }): Promise<[{ latestOperationName?: string | null }, ...unknown[]]>;
    runTransferJob(r: { jobName: string; projectId: string }): Promise<[{ name?: string | null }, ...unknown[]]>;
    checkRunTransferJobProgress(name: string): Promise<{ done?: boolean | null; error?: unknown; metadata?: unknown }>;
  };
}
/** StartTaskExecution's and DescribeTaskExecution's answers, the fields read. */
interface DataSyncAnswer {
  TaskExecutionArn?: string;
  Status?: string;
  FilesTransferred?: number | bigint;
  BytesTransferred?: number | bigint;
  Result?: { ErrorCode?: string; ErrorDetail?: string };
}
interface DataSyncSdk {
  DataSyncClient: new (config: { region: string; profile?: string }) => { send(command: object): Promise<DataSyncAnswer> };
  StartTaskExecutionCommand: new (input: { TaskArn: string }) => object;
  DescribeTaskExecutionCommand: new (input: { TaskExecutionArn: string }) => object;
}

/** Storage Transfer Service through its own SDK, with the credentials `pulumi up` runs with. */
export function storageTransferRuns(t: Extract<LastPassTransfer, { kind: "storage-transfer" }>): TransferRuns {
  // Required here: the serialized provider must not capture the SDK (see the module's comment).
  const sdk = require("@google-cloud/storage-transfer") as StorageTransferSdk;
  const client = new sdk.StorageTransferServiceClient();
  // google.storagetransfer.v1.TransferOperation.Status, decoded as a number or a name.
  const statuses = ["STATUS_UNSPECIFIED", "IN_PROGRESS", "PAUSED", "SUCCESS", "FAILED", "ABORTED", "QUEUED", "SUSPENDING"];
  const read = async (run: string): Promise<RunState> => {
    const op = await client.checkRunTransferJobProgress(run);
    const meta = (op.metadata ?? {}) as {
      status?: number | string;
      counters?: Record<string, unknown>;
      errorBreakdowns?: { errorCode?: unknown; errorCount?: unknown; errorLogEntries?: { url?: string; errorDetails?: string[] }[] }[];
    };
    const status = typeof meta.status === "number" ? (statuses[meta.status] ?? String(meta.status)) : (meta.status ?? "QUEUED");
    const c = meta.counters ?? {};
    const progress = `${status}, ${String(c.objectsCopiedToSink ?? 0)} objects (${String(c.bytesCopiedToSink ?? 0)} bytes) copied of ${String(c.objectsFoundFromSource ?? 0)} found`;
    const error = op.error as { message?: string } | undefined;
    const broken = (meta.errorBreakdowns ?? []).map((b) => {
      const first = b.errorLogEntries?.[0];
      return `${String(b.errorCode)} on ${String(b.errorCount)} objects${first ? ` (${first.url ?? ""}: ${(first.errorDetails ?? []).join("; ")})` : ""}`;
    });
    const done = Boolean(op.done) || ["SUCCESS", "FAILED", "ABORTED"].includes(status);
    const failed = !done
      ? undefined
      : error?.message
        ? error.message
        : status !== "SUCCESS"
          ? `${status}${broken.length ? `: ${broken.join(", ")}` : ""}`
          : undefined;
    return { done, progress, ...(failed !== undefined ? { failed } : {}) };
  };
  return {
    name: `Storage Transfer job ${t.job} (project ${t.project})`,
    async active() {
      const [job] = await client.getTransferJob({ jobName: t.job, projectId: t.project });
      const latest = job.latestOperationName ?? "";
      if (!latest) return undefined;
      return (await read(latest)).done ? undefined : latest;
    },
    async start() {
      // https://cloud.google.com/storage-transfer/docs/reference/rest/v1/transferJobs/run; a DISABLED job only
      // stops being scheduled ("new transfers are not scheduled"), a run is started by hand.
      const [op] = await client.runTransferJob({ jobName: t.job, projectId: t.project });
      if (!op.name) throw new Error(`Storage Transfer started no operation for ${t.job}`);
      return op.name;
    },
    state: read,
  };
}

/** DataSync through its own SDK, in the task's region, with the profile the stack's AWS provider uses. */
export function datasyncRuns(t: Extract<LastPassTransfer, { kind: "datasync" }>): TransferRuns {
  const sdk = require("@aws-sdk/client-datasync") as DataSyncSdk;
  const client = new sdk.DataSyncClient({ region: t.region, ...(t.profile ? { profile: t.profile } : {}) });
  return {
    name: `DataSync task ${t.taskArn}`,
    async active() {
      // StartTaskExecution queues behind a running execution (TaskQueueing is on by default): nothing to wait for first.
      return undefined;
    },
    async start() {
      // https://docs.aws.amazon.com/datasync/latest/userguide/API_StartTaskExecution.html
      const out = await client.send(new sdk.StartTaskExecutionCommand({ TaskArn: t.taskArn }));
      if (!out.TaskExecutionArn) throw new Error(`DataSync started no execution of ${t.taskArn}`);
      return out.TaskExecutionArn;
    },
    async state(run) {
      // Statuses: QUEUED, CANCELLING, LAUNCHING, PREPARING, TRANSFERRING, VERIFYING, SUCCESS, ERROR
      // (https://docs.aws.amazon.com/datasync/latest/userguide/API_DescribeTaskExecution.html).
      const out = await client.send(new sdk.DescribeTaskExecutionCommand({ TaskExecutionArn: run }));
      const status = out.Status ?? "QUEUED";
      const progress = `${status}, ${String(out.FilesTransferred ?? 0)} objects (${String(out.BytesTransferred ?? 0)} bytes) copied`;
      if (status === "SUCCESS") return { done: true, progress };
      if (status === "ERROR")
        return { done: true, progress, failed: `${out.Result?.ErrorCode ?? "ERROR"}: ${out.Result?.ErrorDetail ?? "no detail given"}` };
      return { done: false, progress };
    },
  };
}

function say(line: string): void {
  // The dynamic provider's standard output reaches `pulumi up` as info messages.
  console.log(`migration: ${line}`);
}

const realIo: PassIo = { log: say, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), now: () => Date.now() };

/** The provider, with the clouds' clients made by `open` (the SDKs' in the stack, fakes in tests). */
export function lastPassProvider(
  open: (t: LastPassTransfer) => TransferRuns = (t) => (t.kind === "storage-transfer" ? storageTransferRuns(t) : datasyncRuns(t)),
  io: PassIo = realIo,
): pulumi.dynamic.ResourceProvider {
  const same = (a: LastPassTransfer, b: LastPassTransfer) => JSON.stringify(a) === JSON.stringify(b);
  return {
    async check(_olds: LastPassInputs, news: LastPassInputs) {
      return { inputs: news, failures: lastPassProblems(news).map((reason) => ({ property: "", reason })) };
    },
    async diff(_id: string, olds: LastPassOutputs, news: LastPassInputs) {
      // Only another transfer is another pass; the timeouts shape a pass that has already run.
      const changes = !same(olds.transfer, news.transfer);
      if (changes) io.log(`pulumi up runs the bucket's last pass again (the transfer changed); a preview runs nothing`);
      return { changes };
    },
    async create(inputs: LastPassInputs) {
      const outs = await runLastPass(inputs, open(inputs.transfer), io);
      return { id: outs.run, outs };
    },
    async update(_id: string, _olds: LastPassOutputs, news: LastPassInputs) {
      return { outs: await runLastPass(news, open(news.transfer), io) };
    },
    async delete() {
      // The pass has run; nothing of it remains to remove (the transfer job or task is its own resource).
    },
  };
}

/** How long the last pass may take (its copy is what the app wrote since the previous pass), and how often it is read. */
export const lastPassTimeouts = { timeoutSeconds: 3600, pollSeconds: 15 } as const;

/** Runs the bucket's transfer once more at cutover and waits for it (see the module's comment). */
export class BucketLastPass extends pulumi.dynamic.Resource {
  declare readonly run: pulumi.Output<string>;
  declare readonly copied: pulumi.Output<string>;

  constructor(
    name: string,
    args: { transfer: pulumi.Input<LastPassTransfer>; timeoutSeconds: number; pollSeconds: number },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      lastPassProvider(),
      name,
      { ...args, run: undefined, copied: undefined, seconds: undefined, finishedAt: undefined },
      opts,
      "migration",
      "BucketLastPass",
    );
  }
}
