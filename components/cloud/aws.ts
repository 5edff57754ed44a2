import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { stackTags } from "../names";
import type { AwsProviders, ProvidersInputs } from "./types";

/** One `aws.Provider` per fleet region, with the stack's tags as default tags; `aws:region` is never used. */
export function createProviders(name: string, args: ProvidersInputs<"aws">, parent: pulumi.Resource): AwsProviders {
  const { spec, cloud } = args;
  const regions = new Map(
    cloud.regions.map((region) => [
      region.region,
      new aws.Provider(
        `${name}-aws-${region.key}`,
        {
          region: region.region as aws.Region,
          ...(cloud.account.profile ? { profile: cloud.account.profile } : {}),
          defaultTags: { tags: stackTags(spec, "aws") },
        },
        { parent, dependsOn: args.guard ? [args.guard] : [] },
      ),
    ]),
  );
  const of = (region: { region: string }): aws.Provider => {
    const provider = regions.get(region.region);
    if (!provider) throw new Error(`${region.region} is not a region of this aws footprint`);
    return provider;
  };
  return { cloud: "aws", regions, primary: of(cloud.primary), of };
}
