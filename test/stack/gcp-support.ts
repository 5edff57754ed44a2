import type { OfflineResult, RecordedResource } from "../../tools/offline/run";
import { runStack, type StackConfig } from "../../tools/offline/stack";
import { validConfig } from "../support/stack";

export const T = {
  network: "gcp:compute/network:Network",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  router: "gcp:compute/router:Router",
  nat: "gcp:compute/routerNat:RouterNat",
  globalAddress: "gcp:compute/globalAddress:GlobalAddress",
  connection: "gcp:servicenetworking/connection:Connection",
  firewall: "gcp:compute/firewall:Firewall",
  address: "gcp:compute/address:Address",
  instance: "gcp:compute/instance:Instance",
  account: "gcp:serviceaccount/account:Account",
  projectMember: "gcp:projects/iAMMember:IAMMember",
  bucketBinding: "gcp:storage/bucketIAMBinding:BucketIAMBinding",
  bucket: "gcp:storage/bucket:Bucket",
  sqlInstance: "gcp:sql/databaseInstance:DatabaseInstance",
  sqlDatabase: "gcp:sql/database:Database",
  sqlUser: "gcp:sql/user:User",
  secret: "gcp:secretmanager/secret:Secret",
  secretVersion: "gcp:secretmanager/secretVersion:SecretVersion",
  zone: "gcp:dns/managedZone:ManagedZone",
  record: "gcp:dns/recordSet:RecordSet",
} as const;

export type Run = Awaited<ReturnType<typeof runStack>>;

/** Runs the program on gcp with a valid config plus `overrides`; fails the test if the program threw. */
export async function runGcp(overrides: StackConfig = {}, stackName = "dev"): Promise<Run> {
  const run = await runStack({ provider: "gcp", overrides: validConfig(overrides), stackName });
  if (run.error) throw run.error;
  return run;
}

/** Runs a stack file (Pulumi.<stack>.yaml) on gcp. */
export async function runGcpStack(stack: string, overrides: StackConfig = {}): Promise<Run> {
  const run = await runStack({ stack, provider: "gcp", overrides: validConfig(overrides) });
  if (run.error) throw run.error;
  return run;
}

export function all(run: OfflineResult<unknown>, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

export function one(run: OfflineResult<unknown>, type: string, name?: string): RecordedResource {
  const found = all(run, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.map((r) => r.name).join(", ") || "none"}`);
  return found[0] as RecordedResource;
}

/** Reads a nested input: `at(r, "settings", "ipConfiguration", "ipv4Enabled")`. */
export function at(r: RecordedResource, ...path: (string | number)[]): unknown {
  let value: unknown = r.inputs;
  for (const key of path) value = value === null || typeof value !== "object" ? undefined : (value as Record<string | number, unknown>)[key];
  return value;
}

/** The node VMs (the edge is `edge-vm`). */
export function nodeInstances(run: Run): RecordedResource[] {
  return all(run, T.instance).filter((r) => r.name.startsWith("fleet-"));
}
