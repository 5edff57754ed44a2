import type { Cloud } from "../../components/config";
import { Secret, type RecordedResource } from "../../tools/offline/run";
import { runStack, validConfig, type StackConfig } from "../../tools/offline/stack";
export { access, validConfig } from "../../tools/offline/stack";

/** Resource types that hold state users would lose. */
export const vmTypes = ["aws:ec2/instance:Instance", "gcp:compute/instance:Instance"];
export const databaseTypes = ["aws:rds/instance:Instance", "gcp:sql/databaseInstance:DatabaseInstance"];
export const bucketTypes = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "gcp:storage/bucket:Bucket"];
export const diskTypes = ["aws:ebs/volume:Volume", "gcp:compute/disk:Disk"];

export function ofTypes(resources: RecordedResource[], types: string[]): RecordedResource[] {
  return resources.filter((r) => types.includes(r.type));
}

/** The node VMs (not the edge). */
export function nodeVms(resources: RecordedResource[]): RecordedResource[] {
  return ofTypes(resources, vmTypes).filter((r) => !r.name.startsWith("edge"));
}

export function byUrn(resources: RecordedResource[]): Map<string, RecordedResource> {
  return new Map(resources.map((r) => [r.urn, r]));
}

/** A deep copy with secrets shown as `{ secret: value }`, so tests can compare and search them. */
export function reveal(value: unknown): unknown {
  if (value instanceof Secret) return { secret: reveal(value.value) };
  if (Array.isArray(value)) return value.map(reveal);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  return value;
}

export type Run = Awaited<ReturnType<typeof runStack>>;

/** Runs the program on a provider with a valid config plus `overrides`; fails the test if the program threw. */
export async function runOn(provider: Cloud, overrides: StackConfig = {}, stackName = "dev"): Promise<Run> {
  const run = await runStack({ provider, overrides: validConfig(overrides), stackName });
  if (run.error) throw run.error;
  return run;
}

/** Runs a stack file (Pulumi.<stack>.yaml) on a provider. */
export async function runStackFileOn(provider: Cloud, stack: string, overrides: StackConfig = {}): Promise<Run> {
  const run = await runStack({ stack, provider, overrides: validConfig(overrides) });
  if (run.error) throw run.error;
  return run;
}

export function all(run: { resources: RecordedResource[] }, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** The one resource of a type (and name, when given); fails naming what there is instead. */
export function one(run: { resources: RecordedResource[] }, type: string, name?: string): RecordedResource {
  const found = all(run, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type}${name ? ` named ${name}` : ""}; there are: ${
        all(run, type)
          .map((r) => r.name)
          .join(", ") || "none"
      }`,
    );
  }
  return found[0] as RecordedResource;
}
