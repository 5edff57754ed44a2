import { cloudSpec, type CloudSpec, type Spec } from "../config";
import { bucketCopyEveryHours } from "../migration/schedule";
import { hours, type CostEstimate } from "./types";

/**
 * What a migration adds while it runs, at list prices (checked in 2026):
 * - AWS Site-to-Site VPN: $0.05 per connection-hour (aws.amazon.com/vpn/pricing), two connections;
 * - Cloud VPN (HA VPN): $0.05 per tunnel-hour in the Americas (cloud.google.com/network-connectivity/docs/vpn/pricing), four tunnels;
 * - data leaving each cloud through the VPN is billed as internet egress: AWS $0.09 per GB, first
 *   10 TB (aws.amazon.com/ec2/pricing/on-demand, "Data Transfer"); Google $0.12 per GiB, first TiB,
 *   Premium Tier from North America (cloud.google.com/vpc/network-pricing). The initial copy crosses
 *   once, source to target; changes cross as they happen.
 * - the bucket's copy: Storage Transfer Service charges nothing for agentless transfers such as
 *   S3 to Cloud Storage (cloud.google.com/storage-transfer/pricing); AWS DataSync in Enhanced mode
 *   $0.015 per GB copied and $0.55 per task execution (aws.amazon.com/datasync/pricing). Both on top
 *   of the source's egress and requests. The DataSync figures were confirmed on 2026-11-30 in AWS's
 *   Price List offer for AWSDataSync, the data behind that page (usage types
 *   `<region>-Task-Executions-Enhanced` "$0.55 per task execution using Enhanced mode" and
 *   `<region>-Transferred-Bytes-Enhanced` "$0.015 per GB copied for tasks using Enhanced mode",
 *   effective 2025-04-01, the same in US East (Ohio), Asia Pacific (Mumbai) and GovCloud:
 *   https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSDataSync/current/index.json); the page
 *   itself could not be read from here.
 */
export const migrationPrices = {
  awsVpnConnectionHour: 0.05,
  gcpVpnTunnelHour: 0.05,
  egressPerGb: { aws: 0.09, gcp: 0.12 },
  datasyncPerGb: 0.015,
  datasyncExecution: 0.55,
} as const;

/** A month of the bucket's copy into `to`, before its per-GB price: DataSync's runs; Storage Transfer Service is free. */
export function bucketCopyMonthly(to: "aws" | "gcp"): number {
  return to === "aws" ? Math.round((hours / bucketCopyEveryHours.aws) * migrationPrices.datasyncExecution * 100) / 100 : 0;
}

const bucketCopyItem = {
  aws: `bucket copy: DataSync Enhanced mode every ${bucketCopyEveryHours.aws} hours ($${migrationPrices.datasyncExecution} a run, plus $${migrationPrices.datasyncPerGb} per GB copied)`,
  gcp: "bucket copy: Storage Transfer Service every hour (agentless: no charge)",
};

/** A month of the VPN: two AWS connections and four HA VPN tunnels. */
export function vpnMonthly(): number {
  return (2 * migrationPrices.awsVpnConnectionHour + 4 * migrationPrices.gcpVpnTunnelHour) * hours;
}

/**
 * What a migration in progress adds to the stack's monthly bill: the target footprint (from
 * `estimate`, the same estimate the serving footprint gets), the VPN and the bucket's copy, before traffic (egress per
 * GB: `migrationPrices.egressPerGb` of the cloud the data leaves).
 */
export function migrationCost(spec: Spec, estimate: (spec: Spec, cloud: CloudSpec) => CostEstimate): CostEstimate {
  const migration = spec.migration;
  if (!migration) return { lines: [], total: 0, unpriced: [] };
  const target = estimate(spec, cloudSpec(spec, migration.to));
  const lines = [
    ...target.lines.map((l) => ({ item: `target on ${migration.to}: ${l.item}`, monthly: l.monthly })),
    { item: "VPN: 2 AWS Site-to-Site connections and 4 HA VPN tunnels", monthly: Math.round(vpnMonthly() * 100) / 100 },
    // Cancelled, the copy is gone; the target and the VPN stay until portage:migration is dropped.
    ...(migration.phase === "cancel" ? [] : [{ item: bucketCopyItem[migration.to], monthly: bucketCopyMonthly(migration.to) }]),
  ];
  const total = Math.round(lines.reduce((sum, l) => sum + l.monthly, 0) * 100) / 100;
  return { lines, total, unpriced: target.unpriced };
}
