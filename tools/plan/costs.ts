import type { Spec } from "../../components/config";

/**
 * A monthly estimate of what a stack costs as configured: on-demand list prices, 730 hours, before
 * traffic (NAT processing, egress, inter-region transfer) and the app's own bucket storage. Prices are
 * for a reference region per provider; most regions cost the same or somewhat more.
 * Sources (list prices checked in 2026): aws.amazon.com/ec2/pricing/on-demand,
 * aws.amazon.com/rds/postgresql/pricing, aws.amazon.com/vpc/pricing, aws.amazon.com/route53/pricing;
 * cloud.google.com/compute/vm-instance-pricing, cloud.google.com/sql/pricing, cloud.google.com/nat/pricing,
 * cloud.google.com/vpc/network-pricing, cloud.google.com/dns/pricing, cloud.google.com/secret-manager/pricing.
 */
const hours = 730;

export const priceRegion = { aws: "us-east-1", gcp: "us-central1" } as const;

const aws = {
  vm: { "t3.small": 0.0208, "t3.medium": 0.0416, "t3.large": 0.0832, "m6i.xlarge": 0.192 } as Record<string, number>,
  diskGbMonth: 0.08, // gp3
  db: { "db.t4g.micro": 0.016, "db.t4g.small": 0.032, "db.t4g.medium": 0.065, "db.m7g.large": 0.168, "db.m7g.xlarge": 0.336 } as Record<
    string,
    number
  >,
  dbStorageGbMonth: 0.115, // RDS gp3
  natHour: 0.045,
  publicIpv4Hour: 0.005,
  privateZoneMonth: 0.5,
};

const gcp = {
  vm: { "e2-small": 0.016751, "e2-medium": 0.033503, "e2-standard-2": 0.067006, "n2-standard-4": 0.194236 } as Record<string, number>,
  diskGbMonth: 0.1, // pd-balanced
  sqlVcpuHour: 0.0413, // Cloud SQL Enterprise
  sqlGibHour: 0.007,
  sqlSsdGbMonth: 0.17,
  natVmHour: 0.0014, // per VM, up to 32 VMs per gateway, then a flat $0.044/h
  natCapHour: 0.044,
  staticIpHour: 0.005, // in use: the edge, and each NAT gateway's address
  privateZoneMonth: 0.2,
  secretVersionMonth: 0.06,
};

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

export function estimateMonthlyCost(spec: Spec): CostEstimate {
  const lines: CostLine[] = [];
  const unpriced: string[] = [];
  const add = (item: string, monthly: number) => lines.push({ item, monthly: Math.round(monthly * 100) / 100 });
  const nodes = spec.fleet.nodes.length;
  const regions = spec.fleet.regions.length;
  const ha = spec.database.highAvailability ? 2 : 1;
  const haNote = spec.database.highAvailability ? ", with a standby" : "";

  if (spec.provider === "aws") {
    const vm = (type: string) => aws.vm[type] ?? (unpriced.push(type), 0);
    add(
      `${nodes} node${nodes === 1 ? "" : "s"} (${spec.fleet.machineType}, ${spec.fleet.diskGb} GB gp3)`,
      nodes * (vm(spec.fleet.machineType) * hours + spec.fleet.diskGb * aws.diskGbMonth),
    );
    add(
      `edge (${spec.edge.machineType}, 8 GB gp3, Elastic IP)`,
      vm(spec.edge.machineType) * hours + 8 * aws.diskGbMonth + aws.publicIpv4Hour * hours,
    );
    const db = aws.db[spec.database.tier] ?? (unpriced.push(spec.database.tier), 0);
    add(
      `Postgres (${spec.database.tier}${haNote}, ${spec.database.storageGb} GB)`,
      ha * (db * hours + spec.database.storageGb * aws.dbStorageGbMonth),
    );
    add(`NAT gateway per region (${regions}), with its public address`, regions * (aws.natHour + aws.publicIpv4Hour) * hours);
    add("private DNS zone", aws.privateZoneMonth);
  } else {
    const vm = (type: string) => gcp.vm[type] ?? (unpriced.push(type), 0);
    add(
      `${nodes} node${nodes === 1 ? "" : "s"} (${spec.fleet.machineType}, ${spec.fleet.diskGb} GB pd-balanced)`,
      nodes * (vm(spec.fleet.machineType) * hours + spec.fleet.diskGb * gcp.diskGbMonth),
    );
    add(
      `edge (${spec.edge.machineType}, 20 GB pd-balanced, static address)`,
      vm(spec.edge.machineType) * hours + 20 * gcp.diskGbMonth + gcp.staticIpHour * hours,
    );
    const custom = /^db-custom-(\d+)-(\d+)$/.exec(spec.database.tier);
    const sqlHour = custom
      ? Number(custom[1]) * gcp.sqlVcpuHour + (Number(custom[2]) / 1024) * gcp.sqlGibHour
      : (unpriced.push(spec.database.tier), 0);
    add(
      `Postgres (${spec.database.tier}${haNote}, ${spec.database.storageGb} GB SSD)`,
      ha * (sqlHour * hours + spec.database.storageGb * gcp.sqlSsdGbMonth),
    );
    const natPerRegion = (inRegion: number) => Math.min(inRegion * gcp.natVmHour, gcp.natCapHour) + gcp.staticIpHour;
    add(`Cloud NAT per region (${regions}), with its address`, spec.fleet.regions.length * natPerRegion(spec.fleet.nodesPerRegion) * hours);
    add("private DNS zone and 5 secrets", gcp.privateZoneMonth + 5 * gcp.secretVersionMonth);
  }
  const total = Math.round(lines.reduce((sum, l) => sum + l.monthly, 0) * 100) / 100;
  return { lines, total, unpriced };
}

export function formatCost(estimate: CostEstimate, provider: "aws" | "gcp"): string[] {
  const money = (n: number) => `$${n.toFixed(2)}`;
  return [
    `estimated monthly cost: ${money(estimate.total)} (${provider} list prices in ${priceRegion[provider]}, on demand, before traffic)`,
    ...estimate.lines.map((l) => `  ${money(l.monthly).padStart(9)}  ${l.item}`),
    ...(estimate.unpriced.length ? [`  not priced (explicit types): ${estimate.unpriced.join(", ")}`] : []),
  ];
}
