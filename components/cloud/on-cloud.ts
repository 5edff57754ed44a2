import type { Cloud, CloudSpec, Spec } from "../config";
import type { Providers } from "./index";

/** What every component of a footprint is built from: the spec, the cloud it is built on, that cloud's providers. */
export interface OnCloud<C extends Cloud = Cloud> {
  /**
   * The stack's validated spec (components/config): the same for every footprint of the stack.
   * @example
   * const spec = loadSpec();
   */
  spec: Spec;
  /**
   * The cloud the component is built on, as config/ resolved the spec for it: provider regions,
   * address ranges, machine types, database tier, account. The component builds with that cloud's
   * implementation; its handle is typed by it.
   * @example
   * cloudSpec(spec, "gcp") // or spec.clouds.gcp
   */
  cloud: CloudSpec<C>;
  /**
   * That cloud's providers: every resource of the component is created through them, so it carries
   * the stack's tags or labels and waits for the data guard.
   * @example
   * new Providers("cloud", { spec, cloud, guard })
   */
  providers: Providers<C>;
}
