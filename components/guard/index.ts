import * as pulumi from "@pulumi/pulumi";
import { cloudSpec, servingCloud, type Cloud, type Spec } from "../config";
import type { MigrationSpec } from "../config/spec";
import type { GuardedMigration } from "./migration";
import { dataLossRefusals, type GuardedState } from "./rules";

export { closesMigration, migrationRefusals, type GuardedMigration } from "./migration";
export { dataLossRefusals, type GuardedState } from "./rules";

/**
 * The engine-side half of the guard: `check` sees the inputs of the last update beside this one's,
 * which a program cannot, and fails the preview (and so the update) with the reason.
 */
const provider: pulumi.dynamic.ResourceProvider = {
  async check(olds: Partial<GuardedState>, news: GuardedState) {
    const reasons = dataLossRefusals(olds, news);
    return { inputs: news, failures: reasons.map((reason) => ({ property: "provider", reason })) };
  },
  async diff(_id: string, olds: GuardedState, news: GuardedState) {
    return { changes: JSON.stringify(olds) !== JSON.stringify(news) };
  },
  async create(inputs: GuardedState) {
    return { id: `guard-${inputs.stack}`, outs: inputs };
  },
  async update(_id: string, _olds: GuardedState, news: GuardedState) {
    return { outs: news };
  },
};

/**
 * Stands in front of every cloud resource (the providers depend on it): an update that would delete
 * or replace the stack's data without the user asking (a provider switch; in production, a database
 * or bucket replacement) fails here, before anything is created or deleted.
 */
export class DataGuard extends pulumi.dynamic.Resource {
  constructor(name: string, spec: Spec, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, guardedState(spec), opts, "guard", "DataGuard");
  }
}

/** The services that hold the stack's data on each cloud, as messages name them. */
export const dataServices: Record<Cloud, { database: string; bucket: string }> = {
  aws: { database: "RDS", bucket: "S3" },
  gcp: { database: "Cloud SQL", bucket: "GCS" },
};

/** Where the serving footprint keeps the stack's data. */
export function guardedState(spec: Spec): GuardedState {
  const primary = servingCloud(spec).primary.region;
  const services = dataServices[spec.provider];
  return {
    stack: spec.stack,
    provider: spec.provider,
    production: spec.production,
    allowDataLoss: spec.allowDataLoss,
    database: {
      service: services.database,
      region: primary,
      version: spec.database.version,
      name: spec.database.name,
      storageGb: spec.database.storageGb,
      replicas: spec.database.replicas,
    },
    bucket: { service: services.bucket, region: primary },
    addressSpace: spec.addressSpace,
    regions: [...spec.fleet.regions],
    ...(spec.migration ? { migration: guardedMigration(spec, spec.migration) } : {}),
  };
}

/** The migration's target as the guard records it. */
function guardedMigration(spec: Spec, { to, phase }: MigrationSpec): GuardedMigration {
  const target = cloudSpec(spec, to);
  return { to, phase, space: target.addresses.space.name, regions: target.regions.map((r) => r.key) };
}
