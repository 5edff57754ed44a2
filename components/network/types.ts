import type { Providers } from "../cloud";
import type { Cloud, CloudSpec, Spec } from "../config";

/** What a cloud's network implementation is built from. */
export interface NetworkInputs<C extends Cloud = Cloud> {
  spec: Spec;
  /** The cloud the network is built on, as config/ resolved it (regions, address ranges). */
  cloud: CloudSpec<C>;
  providers: Providers<C>;
}
