import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { RegionSpec, Spec } from "../config";

export interface CloudArgs {
  spec: Spec;
  /** Every provider waits for it, and so every cloud resource: a refused update touches nothing. */
  guard?: pulumi.Resource;
}

/**
 * The provider configurations every other component builds with: one AWS provider per fleet region
 * (AWS APIs are regional), or one GCP provider for the project (GCP resources name their region).
 * All resources are tagged/labelled with the stack, so a stack's footprint can be found in the console.
 */
export class Cloud extends pulumi.ComponentResource {
  /** AWS providers by provider region (`us-east-1`); empty on GCP. */
  readonly aws: ReadonlyMap<string, aws.Provider>;
  /** The GCP provider; undefined on AWS. */
  readonly gcp?: gcp.Provider;
  readonly spec: Spec;

  constructor(name: string, args: CloudArgs, opts?: pulumi.ComponentResourceOptions) {
    super("portage:cloud:Cloud", name, {}, opts);
    const { spec } = args;
    this.spec = spec;
    const providers = new Map<string, aws.Provider>();
    if (spec.provider === "aws") {
      for (const region of spec.fleet.regions) {
        providers.set(
          region.region,
          new aws.Provider(
            `${name}-aws-${region.key}`,
            {
              region: region.region as aws.Region,
              ...(spec.aws.profile ? { profile: spec.aws.profile } : {}),
              defaultTags: { tags: spec.tags },
            },
            { parent: this, dependsOn: args.guard ? [args.guard] : [] },
          ),
        );
      }
    } else {
      this.gcp = new gcp.Provider(
        `${name}-gcp`,
        {
          project: spec.gcp.project,
          region: this.primaryRegion().region,
          defaultLabels: spec.tags,
        },
        { parent: this, dependsOn: args.guard ? [args.guard] : [] },
      );
    }
    this.aws = providers;
    this.registerOutputs({});
  }

  primaryRegion(): RegionSpec {
    const primary = this.spec.fleet.regions.find((r) => r.primary);
    if (!primary) throw new Error("the spec has no primary region");
    return primary;
  }

  /** The AWS provider of a region. Fails loudly if asked on GCP: provider code must not mix clouds. */
  awsProvider(region: string = this.primaryRegion().region): aws.Provider {
    const provider = this.aws.get(region);
    if (!provider) throw new Error(`no AWS provider for region ${region} (portage:provider is ${this.spec.provider})`);
    return provider;
  }

  gcpProvider(): gcp.Provider {
    if (!this.gcp) throw new Error(`no GCP provider (portage:provider is ${this.spec.provider})`);
    return this.gcp;
  }
}
