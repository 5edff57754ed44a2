import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../config";
import * as aws from "./aws";
import * as gcp from "./gcp";
import type { ProvidersInputs, ProvidersOf } from "./types";

export type { AwsProviders, GcpProviders, ProviderHandle, ProvidersOf } from "./types";

/** What the providers are built from. */
export type ProvidersArgs<C extends Cloud = Cloud> = ProvidersInputs<C>;

const build: { [C in Cloud]: (name: string, args: ProvidersInputs<C>, parent: pulumi.Resource) => ProvidersOf<C> } = {
  aws: aws.createProviders,
  gcp: gcp.createProviders,
};

/**
 * The provider configurations every other component of a footprint builds with: one AWS provider per
 * fleet region (AWS APIs are regional), or one GCP provider for the project (GCP resources name
 * their region). Every resource is tagged/labelled with the stack (`portage-stack`,
 * `portage-production`), so a stack's footprint can be found in the console.
 *
 * @example
 * const providers = new Providers("cloud", { spec, cloud: cloudSpec(spec, "gcp"), guard });
 * providers.handle.provider; // gcp.Provider, typed: the handle of a Providers<"gcp">
 */
export class Providers<C extends Cloud = Cloud> extends pulumi.ComponentResource {
  readonly cloud: C;
  readonly handle: ProvidersOf<C>;

  constructor(name: string, args: ProvidersArgs<C>, opts?: pulumi.ComponentResourceOptions) {
    // The type token predates the footprint (it was the Cloud component): kept, so URNs stay.
    super("portage:cloud:Cloud", name, {}, opts);
    this.cloud = args.cloud.cloud;
    this.handle = build[this.cloud](name, args, this);
    this.registerOutputs({});
  }
}
