import type * as pulumi from "@pulumi/pulumi";

/**
 * The escape hatch to the raw provider resource ("full control mode"): either a partial set of
 * arguments merged over the component's own, or a callback that edits them in place.
 *
 * @example
 * new Fleet("fleet", { spec, ..., transform: { aws: { instance: { monitoring: true } } } });
 * new Fleet("fleet", { spec, ..., transform: { gcp: { instance: (args) => { args.labels = { team: "web" }; } } } });
 */
export type Transform<T> = Partial<T> | ((args: T, opts: pulumi.CustomResourceOptions, name: string) => void);

/** Applies a user's transform to a resource's name, args and options; spread the result into the constructor. */
export function transform<T extends object>(
  change: Transform<T> | undefined,
  name: string,
  args: T,
  opts: pulumi.CustomResourceOptions,
): [string, T, pulumi.CustomResourceOptions] {
  if (change === undefined) return [name, args, opts];
  if (typeof change === "function") {
    const copy = { ...args };
    const copyOpts = { ...opts };
    change(copy, copyOpts, name);
    return [name, copy, copyOpts];
  }
  return [name, { ...args, ...change }, opts];
}
