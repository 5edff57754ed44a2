import type * as aws from "@pulumi/aws";
import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { CloudSpec, RegionSpec, Spec } from "../config";
import type { Cloud } from "../config/spec";

/** What a cloud's providers are built from. */
export interface ProvidersInputs<C extends Cloud = Cloud> {
  /**
   * The stack's validated spec: its tags / labels become the providers' defaults.
   * @example
   * const spec = loadSpec();
   */
  spec: Spec;
  /**
   * The cloud the providers are for, as config/ resolved it: its regions (one AWS provider each)
   * and account (`aws:profile`, `gcp:project`).
   * @example
   * cloudSpec(spec, "aws")
   */
  cloud: CloudSpec<C>;
  /**
   * Every provider waits for it, and so every cloud resource: a refused update touches nothing.
   * @default none
   * @example
   * { guard: new DataGuard("data-guard", spec) }
   */
  guard?: pulumi.Resource;
}

/** A fleet region and the provider that builds in it. */
export interface AwsRegionProvider {
  region: RegionSpec<"aws">;
  provider: aws.Provider;
}

/** AWS APIs are regional: one provider per fleet region, every AWS resource names its provider. */
export interface AwsProviders {
  cloud: "aws";
  /** In the order of `fleet.regions`; the first is primary. */
  regions: AwsRegionProvider[];
  /** The primary region's, one of `regions`: the database, the bucket, the edge, the secrets, the DNS zone. */
  primary: AwsRegionProvider;
}

/** GCP resources name their region: one provider for the project. */
export interface GcpProviders {
  cloud: "gcp";
  provider: gcp.Provider;
  project: string;
  /**
   * The APIs the stack calls, once the preview has read that the project has them all on (it fails
   * otherwise, with the `gcloud services enable` line): the lookups wait for it, so that a fresh
   * project fails on that one message instead of a SERVICE_DISABLED per call.
   */
  apis: pulumi.Output<string[]>;
}

/** The provider handles of a footprint, told apart by `cloud`. */
export type ProviderHandle = AwsProviders | GcpProviders;
export type ProvidersOf<C extends Cloud> = Extract<ProviderHandle, { cloud: C }>;
