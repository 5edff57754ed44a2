import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stackTags } from "../names";
import { enableRegionCommand, optInRegions, type RegionSpec } from "../config";
import type { AwsProviders, AwsRegionProvider, ProvidersInputs } from "./types";

/**
 * One `aws.Provider` per fleet region, with the stack's tags as default tags; `aws:region` is never
 * used. A provider of an opt-in region waits for the preview's check that the account has enabled
 * it (a provider in a disabled region fails on its first call with an STS error that does not say
 * why): a fleet region the account has not enabled fails the preview naming it and the command.
 */
export function createProviders(name: string, args: ProvidersInputs<"aws">, parent: pulumi.Resource): AwsProviders {
  const { spec, cloud } = args;
  const opts = { parent, dependsOn: args.guard ? [args.guard] : [] };
  const provider = (id: string, region: pulumi.Input<string>) =>
    new aws.Provider(
      id,
      {
        region: region as pulumi.Input<aws.Region>,
        ...(cloud.account.profile ? { profile: cloud.account.profile } : {}),
        defaultTags: { tags: stackTags(spec, "aws") },
      },
      opts,
    );
  const optIn = cloud.regions.filter((r) => optInRegions.aws[r.region] !== undefined);
  const standard = new Map(
    cloud.regions.filter((r) => !optIn.includes(r)).map((r) => [r.region, provider(`${name}-aws-${r.key}`, r.region)] as const),
  );
  // DescribeRegions answers from any enabled region: a standard fleet region's, or (a fleet of
  // opt-in regions only) a provider of its own in us-east-1, which every account has.
  const checker = optIn.length === 0 ? undefined : ([...standard.values()][0] ?? provider(`${name}-aws-account`, "us-east-1"));
  const enabled = checker ? enabledRegions(optIn, checker, parent) : undefined;
  const create = (region: RegionSpec<"aws">): AwsRegionProvider => ({
    region,
    provider:
      standard.get(region.region) ??
      provider(
        `${name}-aws-${region.key}`,
        (enabled as pulumi.Output<string[]>).apply(() => region.region),
      ),
  });
  const regions = cloud.regions.map(create);
  return { cloud: "aws", regions, primary: regions[0] as AwsRegionProvider };
}

/**
 * The account's enabled regions (ec2:DescribeRegions, all regions, opt-in status "opted-in" or
 * "opt-out-not-required"): https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html.
 * Fails naming the opt-in fleet regions that are not among them.
 */
export function enabledRegions(
  optIn: readonly RegionSpec<"aws">[],
  provider: aws.Provider,
  parent: pulumi.Resource,
): pulumi.Output<string[]> {
  return pulumi.output(readEnabledRegions(provider, parent)).apply((names) => {
    const problem = disabledRegionsProblem(
      optIn.map((r) => r.region),
      names,
    );
    if (problem) throw new Error(problem);
    return names;
  });
}

/** The regions the account may use: every standard region, and the opt-in ones it has enabled. */
export async function readEnabledRegions(provider: aws.Provider, parent: pulumi.Resource): Promise<string[]> {
  const found = await aws.getRegions(
    { allRegions: true, filters: [{ name: "opt-in-status", values: ["opted-in", "opt-out-not-required"] }] },
    { provider, parent },
  );
  return found.names;
}

/** The message for fleet regions the account has not enabled, or undefined. */
export function disabledRegionsProblem(fleet: readonly string[], enabled: readonly string[]): string | undefined {
  const off = fleet.filter((r) => !enabled.includes(r));
  if (off.length === 0) return undefined;
  return [
    `portage:fleet.regions: the account has not enabled ${off.map((r) => `${r} (${optInRegions.aws[r] ?? "opt-in"})`).join(", ")}; enabled regions: ${[...enabled].sort().join(", ")}.`,
    `Enable ${off.length === 1 ? "it" : "each"} (the account's root or an admin with account:EnableRegion), wait until aws account get-region-opt-status says ENABLED (minutes, up to hours), then run the update again:`,
    ...off.map((r) => `  ${enableRegionCommand(r)}`),
  ].join("\n");
}
