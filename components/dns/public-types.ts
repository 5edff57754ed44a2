import type { OnCloud } from "../cloud/on-cloud";
import type { Cloud } from "../config";
import type { Edge } from "../edge";

/** What a cloud's public DNS implementation is built from. */
export interface PublicDnsInputs<C extends Cloud = Cloud> extends OnCloud<C> {
  /**
   * The same footprint's edge: `edge.domain` resolves to its entries (`Edge.entries`, region by region).
   * @example
   * new PublicDns("public-dns", { spec, cloud, providers, edge })
   */
  edge: Edge<C>;
}

/**
 * Seconds a resolver may keep the domain's answer. A region that fails its health check leaves the
 * answers at once, but clients that resolved before keep its address for up to this long; 60 s is
 * the usual floor for public records (lower values raise query costs and some resolvers raise them).
 */
export const publicTtl = 60;
