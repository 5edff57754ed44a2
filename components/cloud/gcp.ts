import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { stackTags } from "../names";
import { checkApis } from "./gcp-apis";
import { gcpApisFor } from "./prerequisites";
import type { GcpProviders, ProvidersInputs } from "./types";

/**
 * One `gcp.Provider` for the project, in the primary region, with the stack's labels as default
 * labels, and the preview's check that the project has every API the stack calls turned on (with
 * `portage:migration`, the migration's too).
 */
export function createProviders(name: string, args: ProvidersInputs<"gcp">, parent: pulumi.Resource): GcpProviders {
  const { spec, cloud } = args;
  const provider = new gcp.Provider(
    `${name}-gcp`,
    { project: cloud.account.project, region: cloud.primary.region, defaultLabels: stackTags(spec, "gcp") },
    { parent, dependsOn: args.guard ? [args.guard] : [] },
  );
  // A migration's own API (Storage Transfer, into GCP) is checked only while one stands.
  const apis = checkApis(cloud.account.project, provider, parent, gcpApisFor(spec.migration));
  return { cloud: "gcp", provider, project: cloud.account.project, apis };
}
