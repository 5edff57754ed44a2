import type { Cloud, CloudSpec, Spec } from "../config";

export interface CostLine {
  item: string;
  monthly: number;
}

export interface CostEstimate {
  lines: CostLine[];
  total: number;
  /** Sizes given as explicit types that the price table does not know: left out of the total. */
  unpriced: string[];
}

/** Hours in a month, as the clouds' price pages count them. */
export const hours = 730;

/** One cloud's price list: its reference region and the estimate's lines. */
export interface CloudPrices<C extends Cloud> {
  /** Prices are this region's; most regions cost the same or somewhat more. */
  region: string;
  /** Adds a line per item; an hourly price the table lacks is reported through `unpriced`. */
  estimate(spec: Spec, cloud: CloudSpec<C>, add: (item: string, monthly: number) => void, unpriced: (type: string) => number): void;
}
