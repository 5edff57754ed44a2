import type * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../config";

/**
 * The logical name of a footprint's component, and its aliases. Children are named after their
 * component (`network` -> `network-vpc`), and Pulumi derives a child's aliases from its parent's when
 * the child's name starts with the parent's (`inheritedChildAlias` in @pulumi/pulumi resource.js; the
 * engine does the same for alias specs): an alias on the component covers all its children.
 */
export function componentName(cloud: Cloud, serving: boolean, base: string): { name: string; opts: pulumi.ComponentResourceOptions } {
  const prefixed = `${cloud}-${base}`;
  return serving ? { name: base, opts: { aliases: [{ name: prefixed }] } } : { name: prefixed, opts: {} };
}
