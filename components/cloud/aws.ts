import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { stackTags } from "../names";
import type { RegionSpec } from "../config";
import type { AwsProviders, AwsRegionProvider, ProvidersInputs } from "./types";

/** One `aws.Provider` per fleet region, with the stack's tags as default tags; `aws:region` is never used. */
export function createProviders(name: string, args: ProvidersInputs<"aws">, parent: pulumi.Resource): AwsProviders {
  const { spec, cloud } = args;
  const create = (region: RegionSpec<"aws">): AwsRegionProvider => ({
    region,
    provider: new aws.Provider(
      `${name}-aws-${region.key}`,
      {
        region: region.region as aws.Region,
        ...(cloud.account.profile ? { profile: cloud.account.profile } : {}),
        defaultTags: { tags: stackTags(spec, "aws") },
      },
      { parent, dependsOn: args.guard ? [args.guard] : [] },
    ),
  });
  const primary = create(cloud.primary);
  const regions = cloud.regions.map((region) => (region === cloud.primary ? primary : create(region)));
  return { cloud: "aws", regions, primary };
}
