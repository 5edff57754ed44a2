import type { OnCloud } from "../cloud/on-cloud";
import type { Cloud } from "../config";
import type { Edge } from "../edge";
import type { Fleet } from "../fleet";
import type { Network } from "../network";

/** What a cloud's private DNS implementation is built from. */
export interface ClusterDnsInputs<C extends Cloud = Cloud> extends OnCloud<C> {
  /**
   * The same footprint's network: the private zone is visible on its VPCs only.
   * @example
   * new ClusterDns("dns", { spec, cloud, providers, network, fleet, edge })
   */
  network: Network<C>;
  /**
   * The same footprint's fleet: `nodes.<zone>` resolves to its nodes' private addresses.
   * @example
   * new ClusterDns("dns", { spec, cloud, providers, network, fleet, edge })
   */
  fleet: Fleet<C>;
  /**
   * The same footprint's edge: `edge.<zone>` resolves to its private address.
   * @example
   * new ClusterDns("dns", { spec, cloud, providers, network, fleet, edge })
   */
  edge: Edge<C>;
}
