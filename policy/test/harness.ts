import type { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { checkResources, type CheckedResource } from "../check";

/** The aws provider as a production stack configures it: default tags arrive as JSON text. */
export const awsProductionProvider = {
  type: "pulumi:providers:aws",
  name: "cloud-virginia",
  props: { region: "us-east-1", defaultTags: JSON.stringify({ tags: { "portage-stack": "hello-prod", "portage-production": "true" } }) },
};
export const awsDevProvider = {
  ...awsProductionProvider,
  props: { region: "us-east-1", defaultTags: JSON.stringify({ tags: { "portage-stack": "hello-dev", "portage-production": "false" } }) },
};
export const gcpProductionProvider = {
  type: "pulumi:providers:gcp",
  name: "cloud-gcp",
  props: { project: "my-project", defaultLabels: JSON.stringify({ "portage-stack": "hello-prod", "portage-production": "true" }) },
};
export const gcpDevProvider = {
  ...gcpProductionProvider,
  props: { project: "my-project", defaultLabels: JSON.stringify({ "portage-stack": "hello-dev", "portage-production": "false" }) },
};

/** What one resource policy reports for one resource: the messages, in order. */
export async function resourceViolations(
  policy: ResourceValidationPolicy,
  type: string,
  props: Record<string, unknown>,
  options: Partial<CheckedResource> = {},
): Promise<string[]> {
  const found = await checkResources([{ type, name: options.name ?? "subject", props, ...options }], [policy]);
  return found.map((v) => v.message);
}

/** What one stack policy reports for a list of resources: "<resource>: <message>". */
export async function stackViolations(policy: StackValidationPolicy, resources: CheckedResource[]): Promise<string[]> {
  const found = await checkResources(resources, [policy] as Policies);
  return found.map((v) => `${v.resource}: ${v.message}`);
}
