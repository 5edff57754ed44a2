import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { RegionSpec, Spec } from "../config";
import { transform, type Transform } from "../transform";

/** Per-resource escape hatches for a region's passthrough Network Load Balancer (see components/transform.ts). */
export interface GcpBalancerTransforms {
  balancerAddress?: Transform<gcp.compute.AddressArgs>;
  healthCheck?: Transform<gcp.compute.RegionHealthCheckArgs>;
  /** Applied to each edge's unmanaged instance group. */
  instanceGroup?: Transform<gcp.compute.InstanceGroupArgs>;
  backendService?: Transform<gcp.compute.RegionBackendServiceArgs>;
  forwardingRule?: Transform<gcp.compute.ForwardingRuleArgs>;
}

export interface GcpBalancer {
  address: gcp.compute.Address;
  healthCheck: gcp.compute.RegionHealthCheck;
  instanceGroups: gcp.compute.InstanceGroup[];
  backendService: gcp.compute.RegionBackendService;
  forwardingRule: gcp.compute.ForwardingRule;
  publicAddresses: pulumi.Output<string[]>;
}

/**
 * The fastest health check GCP allows: every second (the minimum interval), a 1 s timeout (at most
 * the interval), 2 checks to change state: a dead edge is out within about 2 s
 * (cloud.google.com/load-balancing/docs/health-check-concepts, "Health check parameters"). It asks
 * HAProxy's port 80 from Google's probers (`passthroughProbeRanges`), which the edges'
 * 80/443-from-anyone rule already lets in.
 */
export const passthroughHealthCheck = { checkIntervalSec: 1, timeoutSec: 1, healthyThreshold: 2, unhealthyThreshold: 2 } as const;

/**
 * Where a passthrough Network Load Balancer's health checks come from: an ingress allow rule must let
 * them reach the checked port (cloud.google.com/load-balancing/docs/firewall-rules, "External
 * passthrough Network Load Balancer").
 */
export const passthroughProbeRanges = ["35.191.0.0/16", "209.85.152.0/22", "209.85.204.0/22"] as const;

/**
 * A region's external passthrough Network Load Balancer in front of its edges, backend-service based
 * (not a target pool: target pools are the legacy form, limited to legacy HTTP health checks, while
 * a regional backend service takes a TCP health check, connection draining and per-zone instance
 * groups; cloud.google.com/load-balancing/docs/network/networklb-target-pools). A static regional
 * address, one forwarding rule for TCP 80 and 443 (one rule takes up to five ports), and one
 * unmanaged instance group per edge (each edge is in its own zone). Packets reach the edges with the
 * client's address and the balancer's as destination (direct server return): HAProxy listens on
 * every address, and Google's guest environment on the Ubuntu image routes the forwarding rule's
 * address locally.
 */
export function createBalancer(
  name: string,
  args: { spec: Spec; region: RegionSpec<"gcp">; instances: gcp.compute.Instance[] },
  t: GcpBalancerTransforms,
  opts: pulumi.CustomResourceOptions,
): GcpBalancer {
  const { spec, region } = args;
  const address = new gcp.compute.Address(
    ...transform(
      t.balancerAddress,
      `${name}-address`,
      {
        description: `portage ${spec.prefix}: the ${region.key} edges' balancer address`,
        region: region.region,
        addressType: "EXTERNAL",
        networkTier: "PREMIUM",
      },
      opts,
    ),
  );
  const healthCheck = new gcp.compute.RegionHealthCheck(
    ...transform(
      t.healthCheck,
      `${name}-health`,
      {
        description: `portage ${spec.prefix}: is each ${region.key} edge's HAProxy answering on 80`,
        region: region.region,
        ...passthroughHealthCheck,
        tcpHealthCheck: { port: 80 },
      },
      opts,
    ),
  );
  const instanceGroups = args.instances.map(
    (instance, i) =>
      new gcp.compute.InstanceGroup(
        ...transform(
          t.instanceGroup,
          `${name}-edge-${i + 1}`,
          { description: `portage ${spec.prefix}: ${region.key} edge ${i + 1}`, zone: instance.zone, instances: [instance.selfLink] },
          opts,
        ),
      ),
  );
  const backendService = new gcp.compute.RegionBackendService(
    ...transform(
      t.backendService,
      `${name}-backends`,
      {
        description: `portage ${spec.prefix}: the ${region.key} edges`,
        region: region.region,
        loadBalancingScheme: "EXTERNAL",
        protocol: "TCP",
        healthChecks: healthCheck.id,
        backends: instanceGroups.map((group) => ({ group: group.id, balancingMode: "CONNECTION" })),
        // Connections to an edge that is taken out may finish for 30 s.
        connectionDrainingTimeoutSec: 30,
      },
      opts,
    ),
  );
  const forwardingRule = new gcp.compute.ForwardingRule(
    ...transform(
      t.forwardingRule,
      `${name}-web`,
      {
        description: `portage ${spec.prefix}: HTTP and HTTPS to the ${region.key} edges`,
        region: region.region,
        ipAddress: address.address,
        ipProtocol: "TCP",
        ports: ["80", "443"],
        loadBalancingScheme: "EXTERNAL",
        networkTier: "PREMIUM",
        backendService: backendService.id,
      },
      opts,
    ),
  );
  return {
    address,
    healthCheck,
    instanceGroups,
    backendService,
    forwardingRule,
    publicAddresses: address.address.apply((a) => [a]),
  };
}
