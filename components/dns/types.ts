import type { Providers } from "../cloud";
import type { Cloud, CloudSpec, Spec } from "../config";
import type { Edge } from "../edge";
import type { Fleet } from "../fleet";
import type { Network } from "../network";

/** What a cloud's private DNS implementation is built from. */
export interface ClusterDnsInputs<C extends Cloud = Cloud> {
  spec: Spec;
  /** The cloud the zone is built on, as config/ resolved it. */
  cloud: CloudSpec<C>;
  providers: Providers<C>;
  /** The same cloud's network: the VPCs the private zone is visible on. */
  network: Network<C>;
  /** The same cloud's fleet and edge: the addresses the zone's names resolve to. */
  fleet: Fleet<C>;
  edge: Edge<C>;
}
