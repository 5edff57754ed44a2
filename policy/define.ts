import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

/** What a portage policy says about itself; the description carries the Checkov rule id where one exists. */
interface PolicyInfo {
  /** Unique, kebab-case: the name users disable it by in a policy pack config. */
  name: string;
  /** One sentence: the invariant, then the Checkov id, e.g. "... (Checkov CKV_AWS_79)". */
  description: string;
  severity: Severity;
  /** What to change when it fails. */
  remediationSteps: string;
}

/**
 * A mandatory policy over the listed resource types. `validate` receives the resource's inputs as
 * the engine sends them (camelCase, provider defaults applied). The props type is hand-written and
 * checked against the provider SDKs by policy/test/provider-schema.ts, so the pack itself never loads
 * the (slow to type-check) provider packages at `pulumi preview` time.
 */
export function resourcePolicy<P>(
  info: PolicyInfo & {
    types: readonly string[];
    validate: (props: P, args: ResourceValidationArgs, report: ReportViolation) => void;
  },
): PortagePolicy<ResourceValidationPolicy> {
  const { types, validate, ...rest } = info;
  return {
    ...rest,
    types,
    enforcementLevel: "mandatory",
    tags: [cloudOf(types)],
    validateResource: (args, report) => {
      if (!types.includes(args.type)) return;
      validate(args.props as P, args, report);
    },
  };
}

/** A mandatory policy over the whole stack: for invariants that span resources (a rule and its group). */
export function stackPolicy(
  info: PolicyInfo & {
    /** The resource types it reads. */
    types: readonly string[];
    validate: (args: StackValidationArgs, report: ReportViolation) => void;
  },
): PortagePolicy<StackValidationPolicy> {
  const { validate, ...rest } = info;
  return { ...rest, enforcementLevel: "mandatory", tags: [cloudOf(info.types)], validateStack: validate };
}

/** A policy that also lists the resource types it looks at (for the docs and the token test). */
export type PortagePolicy<P> = P & { types: readonly string[] };

function cloudOf(types: readonly string[]): string {
  return types[0]?.split(":")[0] ?? "any";
}
