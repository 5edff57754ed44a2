import type { RecordedResource } from "../../tools/offline/run";
import type { StackConfig } from "../../tools/offline/stack";
import { all, one, runOn, runStackFileOn, type Run } from "../support/stack";

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

export { all, one, type Run };

/** Runs the program on gcp with a valid config plus `overrides`; fails the test if the program threw. */
export const runGcp = (overrides: StackConfig = {}, stackName = "dev"): Promise<Run> => runOn("gcp", overrides, stackName);

/** Runs a stack file (Pulumi.<stack>.yaml) on gcp. */
export const runGcpStack = (stack: string, overrides: StackConfig = {}): Promise<Run> => runStackFileOn("gcp", stack, overrides);

/** Reads a nested input: `at(r, "settings", "ipConfiguration", "ipv4Enabled")`. */
export function at(r: RecordedResource, ...path: (string | number)[]): unknown {
  let value: unknown = r.inputs;
  for (const key of path)
    value = value === null || typeof value !== "object" ? undefined : (value as Record<string | number, unknown>)[key];
  return value;
}

/** The node VMs (the edge is `edge-vm`). */
export function nodeInstances(run: Run): RecordedResource[] {
  return all(run, T.instance).filter((r) => r.name.startsWith("fleet-"));
}
