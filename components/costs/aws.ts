import { extendedSupport, rdsExtendedSupport } from "../config/lifecycle";
import { hours, type CloudPrices } from "./types";

/**
 * On-demand list prices in us-east-1 (checked in 2026): aws.amazon.com/ec2/pricing/on-demand,
 * aws.amazon.com/rds/postgresql/pricing, aws.amazon.com/vpc/pricing, aws.amazon.com/route53/pricing.
 */
const price = {
  vm: { "t3.small": 0.0208, "t3.medium": 0.0416, "t3.large": 0.0832, "m6i.xlarge": 0.192 } as Record<string, number>,
  diskGbMonth: 0.08, // gp3
  db: { "db.t4g.micro": 0.016, "db.t4g.small": 0.032, "db.t4g.medium": 0.065, "db.m7g.large": 0.168, "db.m7g.xlarge": 0.336 } as Record<
    string,
    number
  >,
  dbStorageGbMonth: 0.115, // RDS gp3
  /** vCPUs of each class: RDS Extended Support is billed per vCPU-hour. */
  dbVcpus: { "db.t4g.micro": 2, "db.t4g.small": 2, "db.t4g.medium": 2, "db.m7g.large": 2, "db.m7g.xlarge": 4 } as Record<string, number>,
  natHour: 0.045,
  publicIpv4Hour: 0.005,
  privateZoneMonth: 0.5,
  // aws.amazon.com/elasticloadbalancing/pricing: per Network Load Balancer-hour, and at least one NLCU-hour
  // (more with traffic: 800 new TCP connections/s, 100,000 active, or 1 GB/h each); health checks are free.
  nlbHour: 0.0225,
  nlcuHour: 0.006,
  // aws.amazon.com/route53/pricing: a health check of an AWS endpoint $0.50 a month, each optional
  // feature $1.00 (HTTPS and the 10 s interval are two); queries $0.40 per million, latency-based $0.60.
  healthCheckMonth: 0.5,
  healthCheckFeatureMonth: 1,
  // aws.amazon.com/kms/pricing: a customer managed key, $1 a month (a read replica's, in its region).
  kmsKeyMonth: 1,
};

export const prices: CloudPrices<"aws"> = {
  region: "us-east-1",
  estimate(spec, cloud, add, unpriced) {
    const nodes = cloud.nodes.length;
    const regions = cloud.regions.length;
    const ha = spec.database.highAvailability ? 2 : 1;
    const haNote = spec.database.highAvailability ? ", with a standby" : "";
    const vm = (type: string) => price.vm[type] ?? unpriced(type);
    add(
      `${nodes} node${nodes === 1 ? "" : "s"} (${cloud.fleet.machineType}, ${spec.fleet.diskGb} GB gp3)`,
      nodes * (vm(cloud.fleet.machineType) * hours + spec.fleet.diskGb * price.diskGbMonth),
    );
    const edges = cloud.edges.length;
    const perRegion = spec.edge.count;
    add(
      `${edges === 1 ? "edge" : `${edges} edges, ${perRegion === 1 ? "one" : perRegion} per region`} (${cloud.edge.machineType}, 8 GB gp3, Elastic IP)`,
      edges * (vm(cloud.edge.machineType) * hours + 8 * price.diskGbMonth + price.publicIpv4Hour * hours),
    );
    if (perRegion > 1) {
      add(
        `Network Load Balancer per region (${regions}), ${perRegion} Elastic IPs each, before traffic`,
        regions * (price.nlbHour + price.nlcuHour + perRegion * price.publicIpv4Hour) * hours,
      );
    }
    const tier = cloud.database.tier;
    const db = price.db[tier] ?? unpriced(tier);
    add(`Postgres (${tier}${haNote}, ${spec.database.storageGb} GB)`, ha * (db * hours + spec.database.storageGb * price.dbStorageGbMonth));
    // A version past RDS's standard support is billed Extended Support on top, standby included.
    const extended = extendedSupport("aws", spec.database.version, new Date());
    if (extended) {
      const rate = extended.year >= 3 ? rdsExtendedSupport.yearThreePerVcpuHour : rdsExtendedSupport.perVcpuHour;
      const vcpus = price.dbVcpus[tier] ?? unpriced(tier);
      add(
        `RDS Extended Support for Postgres ${spec.database.version} (since ${extended.since}, ${vcpus} vCPU${haNote})`,
        ha * vcpus * rate * hours,
      );
    }
    const replicas = cloud.database.replicas;
    if (replicas.length > 0) {
      // A replica is billed like a Single-AZ instance of its class, with its own storage (RDS pricing,
      // "Read Replicas"); replication across regions is billed per GB transferred (traffic).
      add(
        `read replica${replicas.length === 1 ? "" : "s"} in ${replicas.map((r) => r.key).join(", ")} (${tier}, ${spec.database.storageGb} GB, its KMS key), before replication traffic`,
        replicas.length * (db * hours + spec.database.storageGb * price.dbStorageGbMonth + price.kmsKeyMonth),
      );
    }
    add(`NAT gateway per region (${regions}), with its public address`, regions * (price.natHour + price.publicIpv4Hour) * hours);
    add("private DNS zone", price.privateZoneMonth);
    if (spec.edge.dnsZone !== "") {
      add(
        regions === 1
          ? `public A record in ${spec.edge.dnsZone} (queries $0.40 per million)`
          : `public latency records in ${spec.edge.dnsZone}: a Route 53 health check per region (${regions}), HTTPS every 10 s (queries $0.60 per million)`,
        regions === 1 ? 0 : regions * (price.healthCheckMonth + 2 * price.healthCheckFeatureMonth),
      );
    }
  },
};
