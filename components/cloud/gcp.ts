import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { stackTags } from "../names";
import type { GcpProviders, ProvidersInputs } from "./types";

/** One `gcp.Provider` for the project, in the primary region, with the stack's labels as default labels. */
export function createProviders(name: string, args: ProvidersInputs<"gcp">, parent: pulumi.Resource): GcpProviders {
  const { spec, cloud } = args;
  const provider = new gcp.Provider(
    `${name}-gcp`,
    { project: cloud.account.project, region: cloud.primary.region, defaultLabels: stackTags(spec, "gcp") },
    { parent, dependsOn: args.guard ? [args.guard] : [] },
  );
  return { cloud: "gcp", provider, project: cloud.account.project };
}
