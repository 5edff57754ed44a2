import { hours, type CloudPrices } from "./types";

/**
 * On-demand list prices in us-central1 (checked in 2026): cloud.google.com/compute/vm-instance-pricing,
 * cloud.google.com/sql/pricing, cloud.google.com/nat/pricing, cloud.google.com/vpc/network-pricing,
 * cloud.google.com/dns/pricing, cloud.google.com/secret-manager/pricing.
 */
const price = {
  vm: { "e2-small": 0.016751, "e2-medium": 0.033503, "e2-standard-2": 0.067006, "n2-standard-4": 0.194236 } as Record<string, number>,
  diskGbMonth: 0.1, // pd-balanced
  sqlVcpuHour: 0.0413, // Cloud SQL Enterprise
  sqlGibHour: 0.007,
  sqlSsdGbMonth: 0.17,
  natVmHour: 0.0014, // per VM, up to 32 VMs per gateway, then a flat $0.044/h
  natCapHour: 0.044,
  staticIpHour: 0.005, // in use: each edge, and each NAT gateway's address
  privateZoneMonth: 0.2,
  secretVersionMonth: 0.06,
  // cloud.google.com/vpc/network-pricing#lb: a forwarding rule (the first five of a region) per hour; its
  // static address counts as in use (staticIpHour); health checks are free; processed data is extra.
  forwardingRuleHour: 0.025,
};

export const prices: CloudPrices<"gcp"> = {
  region: "us-central1",
  estimate(spec, cloud, add, unpriced) {
    const nodes = cloud.nodes.length;
    const ha = spec.database.highAvailability ? 2 : 1;
    const haNote = spec.database.highAvailability ? ", with a standby" : "";
    const vm = (type: string) => price.vm[type] ?? unpriced(type);
    add(
      `${nodes} node${nodes === 1 ? "" : "s"} (${cloud.fleet.machineType}, ${spec.fleet.diskGb} GB pd-balanced)`,
      nodes * (vm(cloud.fleet.machineType) * hours + spec.fleet.diskGb * price.diskGbMonth),
    );
    const edges = cloud.edges.length;
    const perRegion = spec.edge.count;
    const regions = cloud.regions.length;
    add(
      `${edges === 1 ? "edge" : `${edges} edges, ${perRegion === 1 ? "one" : perRegion} per region`} (${cloud.edge.machineType}, 20 GB pd-balanced, static address)`,
      edges * (vm(cloud.edge.machineType) * hours + 20 * price.diskGbMonth + price.staticIpHour * hours),
    );
    if (perRegion > 1) {
      add(
        `passthrough Network Load Balancer per region (${regions}): forwarding rule and static address, before traffic`,
        regions * (price.forwardingRuleHour + price.staticIpHour) * hours,
      );
    }
    const tier = cloud.database.tier;
    const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
    const sqlHour = custom ? Number(custom[1]) * price.sqlVcpuHour + (Number(custom[2]) / 1024) * price.sqlGibHour : unpriced(tier);
    add(
      `Postgres (${tier}${haNote}, ${spec.database.storageGb} GB SSD)`,
      ha * (sqlHour * hours + spec.database.storageGb * price.sqlSsdGbMonth),
    );
    const replicas = cloud.database.replicas;
    if (replicas.length > 0) {
      // A read replica is billed like a zonal instance of its tier with its own disk (Cloud SQL
      // pricing); cross-region replication is billed as inter-region egress (traffic).
      add(
        `read replica${replicas.length === 1 ? "" : "s"} in ${replicas.map((r) => r.key).join(", ")} (${tier}, ${spec.database.storageGb} GB SSD), before replication traffic`,
        replicas.length * (sqlHour * hours + spec.database.storageGb * price.sqlSsdGbMonth),
      );
    }
    const natPerRegion = (inRegion: number) => Math.min(inRegion * price.natVmHour, price.natCapHour) + price.staticIpHour;
    add(
      `Cloud NAT per region (${cloud.regions.length}), with its address`,
      cloud.regions.reduce((sum, region) => sum + natPerRegion(region.nodes), 0) * hours,
    );
    add("private DNS zone and 5 secrets", price.privateZoneMonth + 5 * price.secretVersionMonth);
    if (spec.edge.dnsZone !== "") {
      // cloud.google.com/dns/pricing: no monthly fee for a record set; its queries are billed, $0.40
      // per million, $0.70 for a routing policy's. The page's price list (read 2026-09-20: queries,
      // routing-policy queries, managed zones, DNS Armor) has no line for the health checks of
      // external endpoints, and Compute Engine health checks carry no charge of their own.
      add(
        regions === 1
          ? `public A record in ${spec.edge.dnsZone} (queries $0.40 per million)`
          : `public geolocation record in ${spec.edge.dnsZone} with a health check of every region's entry (queries $0.70 per million)`,
        0,
      );
    }
  },
};
