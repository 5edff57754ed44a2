import { servingCloud, type Cloud, type CloudSpec, type Spec } from "../config";
import * as aws from "./aws";
import * as gcp from "./gcp";
import { migrationCost } from "./migration";
import type { CloudPrices, CostEstimate, CostLine } from "./types";

export { migrationPrices, vpnMonthly } from "./migration";
export type { CostEstimate, CostLine } from "./types";

const prices: { [C in Cloud]: CloudPrices<C> } = { aws: aws.prices, gcp: gcp.prices };

/** The region whose list prices each cloud's estimate uses. */
export const priceRegion: Record<Cloud, string> = { aws: aws.prices.region, gcp: gcp.prices.region };

/**
 * A monthly estimate of what one footprint costs as configured (the serving one unless another is
 * given): on-demand list prices, 730 hours, before traffic (NAT processing, egress, inter-region
 * transfer) and the app's own bucket storage.
 */
export function estimateMonthlyCost(spec: Spec, cloud: CloudSpec = servingCloud(spec)): CostEstimate {
  const lines: CostLine[] = [];
  const unpriced: string[] = [];
  const add = (item: string, monthly: number) => lines.push({ item, monthly: Math.round(monthly * 100) / 100 });
  const unknown = (type: string) => (unpriced.push(type), 0);
  estimateOn(spec, cloud, add, unknown);
  const total = Math.round(lines.reduce((sum, l) => sum + l.monthly, 0) * 100) / 100;
  return { lines, total, unpriced };
}

function estimateOn<C extends Cloud>(
  spec: Spec,
  cloud: CloudSpec<C>,
  add: (item: string, monthly: number) => void,
  unpriced: (type: string) => number,
): void {
  prices[cloud.cloud].estimate(spec, cloud, add, unpriced);
}

/** What a migration in progress adds each month: the target footprint and the VPN (components/costs/migration.ts). */
export function estimateMigrationCost(spec: Spec): CostEstimate {
  return migrationCost(spec, estimateMonthlyCost);
}
