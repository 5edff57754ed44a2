import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RegionSpec, Spec } from "../config";
import { awsNames } from "../names";
import type { AwsRegionNetwork } from "../network";
import { transform, type Transform } from "../transform";

/** Per-resource escape hatches for a region's Network Load Balancer (see components/transform.ts). */
export interface AwsBalancerTransforms {
  /** Each of the balancer's Elastic IPs (one per zone it serves). */
  balancerAddress?: Transform<aws.ec2.EipArgs>;
  loadBalancer?: Transform<aws.lb.LoadBalancerArgs>;
  /** Applied to the target groups of 80 and 443. */
  targetGroup?: Transform<aws.lb.TargetGroupArgs>;
  targetAttachment?: Transform<aws.lb.TargetGroupAttachmentArgs>;
  listener?: Transform<aws.lb.ListenerArgs>;
}

export interface AwsBalancer {
  loadBalancer: aws.lb.LoadBalancer;
  /** One Elastic IP per zone: the region's static public addresses. */
  addresses: aws.ec2.Eip[];
  targetGroups: aws.lb.TargetGroup[];
  listeners: aws.lb.Listener[];
  publicAddresses: pulumi.Output<string[]>;
}

/** The ports the balancer passes through (TCP: the edges terminate TLS, so a certificate never leaves them). */
export const balancedPorts = [80, 443] as const;

/**
 * The fastest health check a Network Load Balancer allows: every 5 s (its minimum interval), 2
 * checks to change state (the minimum of both thresholds), 2 s timeout (the minimum): an edge that
 * stops answering is out within about 10 s; NLB's passive checks see refused connections sooner.
 * docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
 */
export const nlbHealthCheck = { interval: 5, timeout: 2, healthyThreshold: 2, unhealthyThreshold: 2 } as const;

/**
 * A region's Network Load Balancer in front of its edges: internet-facing, one subnet mapping per
 * edge zone with its own Elastic IP (static public addresses, what DNS points at), cross-zone, TCP
 * 80 and 443 passed through to the edges with the client's address kept (HAProxy sees the client,
 * as with one edge). The edges' security group already lets 80/443 in from anyone.
 */
export function createBalancer(
  name: string,
  args: { spec: Spec; region: RegionSpec<"aws">; network: AwsRegionNetwork; subnets: aws.ec2.Subnet[]; instances: aws.ec2.Instance[] },
  t: AwsBalancerTransforms,
  opts: pulumi.CustomResourceOptions,
): AwsBalancer {
  const { spec, region } = args;
  const labels = { Name: awsNames.nameTag(spec.prefix, `${region.key}-balancer`), "portage-role": "edge" };
  const addresses = args.subnets.map(
    (_, i) => new aws.ec2.Eip(...transform(t.balancerAddress, `${name}-address-${i + 1}`, { domain: "vpc", tags: labels }, opts)),
  );
  const loadBalancer = new aws.lb.LoadBalancer(
    ...transform(
      t.loadBalancer,
      name,
      {
        name: awsNames.balancerName(spec.prefix, region.key),
        loadBalancerType: "network",
        internal: false,
        ipAddressType: "ipv4",
        subnetMappings: args.subnets.map((subnet, i) => ({ subnetId: subnet.id, allocationId: addresses[i]?.allocationId })),
        enableCrossZoneLoadBalancing: true,
        tags: labels,
      },
      // A replacement (what the provider forces for a removed subnet mapping, a new Elastic IP, a new
      // name) must delete the old balancer first: it holds the name (unique in the region) and the
      // Elastic IPs, which one load balancer at a time can use, so a new one beside it cannot be made.
      { ...opts, dependsOn: [args.network.internetGateway], deleteBeforeReplace: true },
    ),
  );
  const targetGroups = balancedPorts.map(
    (port) =>
      new aws.lb.TargetGroup(
        ...transform(
          t.targetGroup,
          `${name}-${port}`,
          {
            name: awsNames.balancerName(spec.prefix, `${region.key}-${port}`),
            port,
            protocol: "TCP",
            targetType: "instance",
            vpcId: args.network.vpc.id,
            preserveClientIp: "true",
            // A stopped edge's open connections end with it; new ones go to the other edge at once.
            connectionTermination: true,
            deregistrationDelay: 30,
            healthCheck: { protocol: "TCP", port: "traffic-port", ...nlbHealthCheck },
            tags: labels,
          },
          opts,
        ),
      ),
  );
  targetGroups.forEach((group, g) =>
    args.instances.forEach(
      (instance, i) =>
        new aws.lb.TargetGroupAttachment(
          ...transform(
            t.targetAttachment,
            `${name}-${balancedPorts[g]}-edge-${i + 1}`,
            { targetGroupArn: group.arn, targetId: instance.id, port: balancedPorts[g] },
            opts,
          ),
        ),
    ),
  );
  const listeners = targetGroups.map(
    (group, g) =>
      new aws.lb.Listener(
        ...transform(
          t.listener,
          `${name}-${balancedPorts[g]}`,
          {
            loadBalancerArn: loadBalancer.arn,
            port: balancedPorts[g],
            protocol: "TCP",
            defaultActions: [{ type: "forward", targetGroupArn: group.arn }],
            tags: labels,
          },
          opts,
        ),
      ),
  );
  return { loadBalancer, addresses, targetGroups, listeners, publicAddresses: pulumi.all(addresses.map((a) => a.publicIp)) };
}
