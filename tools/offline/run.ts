import * as pulumi from "@pulumi/pulumi";
import { computedState, invokeResult } from "./mocks";

/* eslint-disable @typescript-eslint/no-require-imports */
// Internals of the SDK's mock runtime that the public API does not expose: the monitor class
// (to record resource options such as protect, parent and dependsOn) and the RPC queue.
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: new (mocks: pulumi.runtime.Mocks) => MonitorLike };
const settings = require("@pulumi/pulumi/runtime/settings") as {
  setMockOptions(monitor: unknown, project?: string, stack?: string, preview?: boolean, organization?: string): void;
  waitForRPCs(): Promise<void>;
};
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { supportsSecrets: boolean; supportsAliasSpecs: boolean } };
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  specialSigKey: string;
  specialSecretSig: string;
  specialAssetSig: string;
  specialArchiveSig: string;
  specialResourceSig: string;
};

interface MonitorLike {
  registerResource(req: RegisterRequest, callback: (err: unknown, resp: unknown) => void): Promise<void>;
  newUrn(parent: string, type: string, name: string): string;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getProvider(): string;
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getRetainondelete(): boolean | undefined;
  getAdditionalsecretoutputsList(): string[];
  getAliasesList(): AliasMessage[];
}
interface AliasMessage {
  getUrn(): string;
  getSpec():
    | { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean }
    | undefined;
}

/** The plain value of a program's outputs (secret values arrive wrapped in `Secret`). */
export type Unwrapped<T> =
  T extends pulumi.Output<infer U>
    ? Unwrapped<U>
    : T extends readonly (infer E)[]
      ? Unwrapped<E>[]
      : T extends object
        ? { [K in keyof T]: Unwrapped<T[K]> }
        : T;

/** A value Pulumi knows to be secret: kept as such so tests and plans can tell. */
export class Secret {
  constructor(readonly value: unknown) {}
  toJSON(): string {
    return "[secret]";
  }
}

/** An alias as the program sent it: a whole URN, or the parts that differ from the resource's own. */
export interface RecordedAlias {
  urn?: string;
  name?: string;
  type?: string;
  /** The alias's parent; `noParent` when it had none. Neither: the resource's own parent. */
  parentUrn?: string;
  noParent?: boolean;
}

export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  parent?: string;
  /** The resource's own aliases (the engine adds those it inherits from its parent: see aliases.ts). */
  aliases: RecordedAlias[];
  custom: boolean;
  /** Inputs as the program sent them; secret values are wrapped in `Secret`. */
  inputs: Record<string, unknown>;
  options: {
    protect: boolean;
    dependsOn: string[];
    provider?: string;
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    retainOnDelete: boolean;
    additionalSecretOutputs: string[];
  };
}

export interface Invocation {
  token: string;
  inputs: Record<string, unknown>;
}

export interface OfflineResult<T> {
  resources: RecordedResource[];
  invokes: Invocation[];
  /** The program's exported outputs, resolved; secrets wrapped in `Secret`. */
  outputs: T | undefined;
  /** What the program threw, if it threw. */
  error?: Error;
}

export interface OfflineOptions {
  /** Flat stack config as Pulumi passes it (`{"portage:fleet": "{...json}"}`). */
  config: Record<string, string>;
  secretKeys?: string[];
  stack?: string;
  project?: string;
  preview?: boolean;
  /** Outputs other stacks (or this stack's last update) expose to a StackReference, by stack name. */
  stackReferences?: Record<string, Record<string, unknown>>;
  /**
   * The SDK captures a stack trace for every resource output and RPC promise it tracks (a debugging
   * aid, printed only with PULUMI_DEBUG_PROMISE_LEAKS): ~300,000 traces for a 300-node fleet, about
   * half the evaluation's time even without source maps. False skips them (Error.stackTraceLimit 0 while the program runs;
   * the SDK's own source positions set their limit themselves): for callers that show error messages
   * only, like `npm run plan`. Errors raised during the run then have no stack. Default true.
   */
  sdkStackTraces?: boolean;
}

/**
 * Runs a Pulumi program under the SDK's mock runtime, with no engine, CLI or cloud, and records every
 * resource registered (inputs and options), every provider function called and the outputs.
 */
export function runOffline<T extends object>(program: () => T, options: OfflineOptions): Promise<OfflineResult<Unwrapped<T>>> {
  // Pulumi's runtime state (config, monitor, stack) is process-global: one run at a time.
  const run = queue.then(() => runAlone(program, options));
  queue = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

let queue: Promise<void> = Promise.resolve();

async function runAlone<T extends object>(program: () => T, options: OfflineOptions): Promise<OfflineResult<Unwrapped<T>>> {
  const resources: RecordedResource[] = [];
  const invokes: Invocation[] = [];
  const providerRegions = new Map<string, string>();
  const stack = options.stack ?? "dev";
  const project = options.project ?? "portage";
  const regionOf = (provider: string | undefined) => {
    const urn = provider?.split("::").slice(0, -1).join("::");
    return (urn && providerRegions.get(urn)) || options.config["aws:region"] || options.config["gcp:region"] || "us-east-1";
  };

  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      if (args.type === "pulumi:pulumi:StackReference") {
        const outputs = options.stackReferences?.[String(args.inputs.name)] ?? {};
        return { id: String(args.inputs.name), state: { ...args.inputs, outputs } };
      }
      const region = String(args.inputs.region ?? regionOf(args.provider));
      const id = args.custom === false ? undefined : `${args.name}-id`;
      return { id, state: { ...args.inputs, ...computedState(args.type, args.name, args.inputs, region) } };
    },
    call(args) {
      invokes.push({ token: args.token, inputs: unwrapSecrets(args.inputs) as Record<string, unknown> });
      return invokeResult(args.token, args.inputs, regionOf(args.provider));
    },
  };

  class RecordingMonitor extends MockMonitor {
    override async registerResource(req: RegisterRequest, callback: (err: unknown, resp: unknown) => void) {
      const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
      await super.registerResource(req, (err, resp) => {
        if (!err) {
          const inputs = unwrapSecrets(deserialize(req)) as Record<string, unknown>;
          if (req.getType().startsWith("pulumi:providers:")) providerRegions.set(urn, String(inputs.region ?? ""));
          resources.push({
            type: req.getType(),
            name: req.getName(),
            urn,
            parent: req.getParent() || undefined,
            aliases: req.getAliasesList().map(recordAlias),
            custom: req.getCustom(),
            inputs,
            options: {
              protect: req.getProtect() === true,
              dependsOn: req.getDependenciesList(),
              provider: req.getProvider() || undefined,
              deleteBeforeReplace: req.getDeletebeforereplace(),
              ignoreChanges: req.getIgnorechangesList(),
              replaceOnChanges: req.getReplaceonchangesList(),
              retainOnDelete: req.getRetainondelete() === true,
              additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            },
          });
        }
        callback(err, resp);
      });
    }
  }

  pulumi.runtime.setAllConfig(options.config, options.secretKeys);
  await pulumi.runtime.setMocks(mocks, project, stack, options.preview ?? false);
  settings.setMockOptions(new RecordingMonitor(mocks), project, stack, options.preview ?? false);
  // setMockOptions resets the flags setMocks had set: secrets would then be sent (and recorded) as
  // plain values, and aliases as URNs only where the SDK can compute them. Alias specs are what
  // today's engines take. Set synchronously: concurrent runs must not interleave here.
  state.getStore().supportsSecrets = true;
  state.getStore().supportsAliasSpecs = true;

  let outputs: Unwrapped<T> | undefined;
  let error: Error | undefined;
  const stackTraceLimit = Error.stackTraceLimit;
  if (options.sdkStackTraces === false && !process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = 0;
  try {
    const exported = program();
    outputs = (await resolveOutputs(exported)) as Unwrapped<T>;
    await settings.waitForRPCs();
  } catch (thrown) {
    error = thrown instanceof Error ? thrown : new Error(String(thrown));
    await settings.waitForRPCs().catch(() => undefined);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return { resources, invokes, outputs, error };
}

function recordAlias(alias: AliasMessage): RecordedAlias {
  const spec = alias.getSpec();
  if (!spec) return { urn: alias.getUrn() };
  return {
    ...(spec.getName() ? { name: spec.getName() } : {}),
    ...(spec.getType() ? { type: spec.getType() } : {}),
    ...(spec.getParenturn() ? { parentUrn: spec.getParenturn() } : {}),
    ...(spec.getNoparent() ? { noParent: true } : {}),
  };
}

/** Awaits every Output in a value, keeping secretness visible. */
export async function resolveOutputs(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const out = value as pulumi.Output<unknown> & { isSecret: Promise<boolean>; promise(): Promise<unknown> };
    const [inner, secret] = await Promise.all([out.promise(), out.isSecret]);
    const resolved = await resolveOutputs(inner);
    return secret ? new Secret(resolved) : resolved;
  }
  if (value instanceof Promise) return resolveOutputs(await value);
  if (Array.isArray(value)) return Promise.all(value.map(resolveOutputs));
  if (value && typeof value === "object" && !(value instanceof Secret) && !pulumi.Resource.isInstance(value)) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveOutputs(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/** The inputs exactly as serialized on the wire (synchronously: no asset promises to wait for). */
function deserialize(req: RegisterRequest): Record<string, unknown> {
  const struct = (req as unknown as { getObject(): { toJavaScript(): Record<string, unknown> } | undefined }).getObject();
  return struct?.toJavaScript() ?? {};
}

/**
 * Turns the wire's signature envelopes into plain values: secrets into `Secret` (so callers can see
 * and search them), assets and archives into `{ asset: path }` / `{ archive: path }`, resource
 * references into their URN.
 */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    switch (record[rpc.specialSigKey]) {
      case rpc.specialSecretSig:
        return new Secret(unwrapSecrets(record.value));
      case rpc.specialAssetSig:
        return { asset: record.path ?? record.uri ?? "(text)" };
      case rpc.specialArchiveSig:
        return { archive: record.path ?? record.uri ?? "(assets)" };
      case rpc.specialResourceSig:
        return record.urn;
      default:
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
  }
  return value;
}
