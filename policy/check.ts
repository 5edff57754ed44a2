import type {
  Policies,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { policies as portagePolicies } from "./policies";

/** A resource as a plan or a test knows it: what the engine would hand the pack. */
export interface CheckedResource {
  type: string;
  name: string;
  /** Inputs (what `validateResource` sees); stack policies read them as outputs too. */
  props: Record<string, unknown>;
  urn?: string;
  protect?: boolean;
  parent?: string;
  /** The provider resource this one is created with (its inputs carry the default tags / labels). */
  provider?: { type: string; name: string; urn?: string; props: Record<string, unknown> };
  /** URNs this resource depends on (explicit and through its inputs). */
  dependencies?: string[];
  /** URNs by input name, where known. */
  propertyDependencies?: Record<string, string[]>;
}

export interface Violation {
  policy: string;
  /** The resource's name, or the stack's for a stack-wide finding. */
  resource: string;
  type?: string;
  message: string;
}

class NotApplicable extends Error {}

/**
 * Runs the policies (all of portage's by default) over a list of resources, the way
 * `pulumi preview --policy-pack policy` would: every resource policy on every resource, then every
 * stack policy on the whole list. Returns the violations, in order; empty means the stack passes.
 */
export async function checkResources(resources: readonly CheckedResource[], policies: Policies = portagePolicies): Promise<Violation[]> {
  const violations: Violation[] = [];
  const stackResources = asStackResources(resources);
  for (const policy of policies) {
    if ("validateStack" in policy) {
      await runStackPolicy(policy, stackResources, violations);
      continue;
    }
    for (const resource of resources) await runResourcePolicy(policy, resource, violations);
  }
  return violations;
}

async function runResourcePolicy(policy: ResourceValidationPolicy, resource: CheckedResource, out: Violation[]): Promise<void> {
  const validations = [policy.validateResource ?? []].flat();
  const args: ResourceValidationArgs = {
    type: resource.type,
    props: resource.props,
    urn: urnOf(resource),
    name: resource.name,
    opts: optionsOf(resource),
    provider: providerOf(resource),
    stackTags: new Map(),
    isType: (cls) => typeToken(cls) === resource.type,
    asType: (cls) => (typeToken(cls) === resource.type ? (resource.props as never) : undefined),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
  for (const validate of validations) {
    try {
      await validate(args, (message) => out.push({ policy: policy.name, resource: resource.name, type: resource.type, message }));
    } catch (e) {
      if (!(e instanceof NotApplicable)) throw e;
    }
  }
}

async function runStackPolicy(policy: StackValidationPolicy, resources: PolicyResource[], out: Violation[]): Promise<void> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const args: StackValidationArgs = {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
  try {
    await policy.validateStack(args, (message, urn) => {
      const resource = urn ? byUrn.get(urn) : undefined;
      out.push({ policy: policy.name, resource: resource?.name ?? "(stack)", type: resource?.type, message });
    });
  } catch (e) {
    if (!(e instanceof NotApplicable)) throw e;
  }
}

/** PolicyResource objects with parents and dependencies linked, as the engine builds them. */
function asStackResources(resources: readonly CheckedResource[]): PolicyResource[] {
  const linked = resources.map((r): PolicyResource => ({
    type: r.type,
    name: r.name,
    urn: urnOf(r),
    props: r.props,
    opts: optionsOf(r),
    provider: providerOf(r),
    dependencies: [],
    propertyDependencies: {},
    isType: (cls) => typeToken(cls) === r.type,
    asType: (cls) => (typeToken(cls) === r.type ? (r.props as never) : undefined),
  }));
  const byUrn = new Map(linked.map((r) => [r.urn, r]));
  const lookup = (urns: string[] = []) => urns.map((u) => byUrn.get(u)).filter((r): r is PolicyResource => r !== undefined);
  resources.forEach((r, i) => {
    const target = linked[i];
    if (!target) return;
    target.parent = r.parent ? byUrn.get(r.parent) : undefined;
    target.dependencies = lookup(r.dependencies);
    target.propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, urns]) => [k, lookup(urns)]));
  });
  return linked;
}

function urnOf(r: CheckedResource): string {
  return r.urn ?? `urn:pulumi:stack::portage::${r.type}::${r.name}`;
}

function optionsOf(r: CheckedResource): PolicyResourceOptions {
  return {
    protect: r.protect ?? false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    parent: r.parent,
  };
}

function providerOf(r: CheckedResource): PolicyProviderResource | undefined {
  const p = r.provider;
  return p ? { type: p.type, name: p.name, urn: p.urn ?? `urn:pulumi:stack::portage::${p.type}::${p.name}`, props: p.props } : undefined;
}

function typeToken(cls: unknown): string | undefined {
  return (cls as { __pulumiType?: string }).__pulumiType;
}
