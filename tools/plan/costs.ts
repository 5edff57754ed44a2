import { migrationPrices, priceRegion, type CostEstimate } from "../../components/costs";
import type { Cloud } from "../../components/config";

export { estimateMigrationCost, estimateMonthlyCost, priceRegion, type CostEstimate, type CostLine } from "../../components/costs";

export function formatCost(estimate: CostEstimate, cloud: Cloud): string[] {
  const money = (n: number) => `$${n.toFixed(2)}`;
  return [
    `estimated monthly cost: ${money(estimate.total)} (${cloud} list prices in ${priceRegion[cloud]}, on demand, before traffic)`,
    ...estimate.lines.map((l) => `  ${money(l.monthly).padStart(9)}  ${l.item}`),
    ...(estimate.unpriced.length ? [`  not priced (explicit types): ${estimate.unpriced.join(", ")}`] : []),
  ];
}

export function formatMigrationCost(estimate: CostEstimate): string[] {
  const egress = migrationPrices.egressPerGb;
  const money = (n: number) => `$${n.toFixed(2)}`;
  return [
    `while the migration runs, on top: ${money(estimate.total)} a month, before traffic (data leaving a cloud through the VPN: $${egress.aws} per GB from AWS, $${egress.gcp} per GiB from Google Cloud)`,
    ...estimate.lines.map((l) => `  ${money(l.monthly).padStart(9)}  ${l.item}`),
    ...(estimate.unpriced.length ? [`  not priced (explicit types): ${estimate.unpriced.join(", ")}`] : []),
  ];
}
