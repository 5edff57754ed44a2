import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { Footprint } from "../footprint";
import { awsNames } from "../names";
import { ike, tunnels, vpnAsns, type TunnelPlan } from "./plan";

export interface AwsVpnSide {
  gateway: aws.ec2.VpnGateway;
  connections: aws.ec2.VpnConnection[];
  /** The four tunnels' AWS outside addresses, in tunnel order (A1, A2, B1, B2). */
  outsideAddresses: pulumi.Output<string>[];
  /** What must exist before traffic can cross: connections and route propagation. */
  ready: pulumi.Resource[];
}

/**
 * A virtual private gateway on the primary region's VPC, a customer gateway per HA VPN interface,
 * and a Site-to-Site VPN connection to each (two tunnels each), BGP-routed; the routes GCP advertises
 * propagate into the primary region's route tables (public: the edge; nodes; database).
 *
 * A virtual private gateway, not a transit gateway: everything that crosses lives in the primary
 * region (the database, the edge, the node running the migration's steps), and a VPC's own gateway
 * costs nothing beyond the connections; a transit gateway adds $0.05 an hour per attachment and
 * $0.02 per GB, and would only matter for other regions' VPCs, which peering does not make reachable
 * from the VPN (peering is not transitive) and which nothing needs to reach.
 */
export function createAwsSide(
  name: string,
  prefix: string,
  footprint: Footprint<"aws">,
  gcp: { interfaceAddresses: pulumi.Output<string>[]; keys: pulumi.Output<string>[] },
  parent: pulumi.Resource,
): AwsVpnSide {
  const primary = footprint.network.handle.primary;
  const opts = { parent, provider: footprint.providers.handle.primary.provider };
  const tags = (what: string) => ({ Name: awsNames.nameTag(prefix, what) });

  const gateway = new aws.ec2.VpnGateway(
    `${name}-gateway`,
    { vpcId: primary.vpc.id, amazonSideAsn: String(vpnAsns.aws), tags: tags("vpn-gateway") },
    opts,
  );
  // The same settings for each of a connection's two tunnels, whose arguments differ by their prefix only.
  const tunnelOptions = (n: 1 | 2, t: TunnelPlan): Partial<aws.ec2.VpnConnectionArgs> =>
    ({
      [`tunnel${n}InsideCidr`]: t.insideCidr,
      [`tunnel${n}PresharedKey`]: gcp.keys[t.index],
      [`tunnel${n}IkeVersions`]: [`ikev${ike.version}`],
      [`tunnel${n}Phase1EncryptionAlgorithms`]: [ike.encryption],
      [`tunnel${n}Phase2EncryptionAlgorithms`]: [ike.encryption],
      [`tunnel${n}Phase1IntegrityAlgorithms`]: [ike.integrity],
      [`tunnel${n}Phase2IntegrityAlgorithms`]: [ike.integrity],
      [`tunnel${n}Phase1DhGroupNumbers`]: [ike.dhGroup],
      [`tunnel${n}Phase2DhGroupNumbers`]: [ike.dhGroup],
    }) as Partial<aws.ec2.VpnConnectionArgs>;
  const connections = ([0, 1] as const).map((c) => {
    const letter = "ab"[c];
    const customer = new aws.ec2.CustomerGateway(
      `${name}-gcp-${letter}`,
      { type: "ipsec.1", bgpAsn: String(vpnAsns.gcp), ipAddress: gcp.interfaceAddresses[c], tags: tags(`vpn-gcp-${letter}`) },
      opts,
    );
    const [first, second] = tunnels.filter((t) => t.connection === c) as [TunnelPlan, TunnelPlan];
    return new aws.ec2.VpnConnection(
      `${name}-connection-${letter}`,
      {
        type: "ipsec.1",
        vpnGatewayId: gateway.id,
        customerGatewayId: customer.id,
        staticRoutesOnly: false,
        ...tunnelOptions(1, first),
        ...tunnelOptions(2, second),
        tags: tags(`vpn-${letter}`),
      },
      opts,
    );
  });
  const outsideAddresses = connections.flatMap((c) => [c.tunnel1Address, c.tunnel2Address]);

  const tables = [
    ["public", primary.publicRoutes],
    ["nodes", primary.privateRoutes],
    ...(primary.databaseRoutes ? [["database", primary.databaseRoutes] as const] : []),
  ] as const;
  const propagations = tables.map(
    ([id, table]) =>
      new aws.ec2.VpnGatewayRoutePropagation(`${name}-routes-${id}`, { vpnGatewayId: gateway.id, routeTableId: table.id }, opts),
  );
  return { gateway, connections, outsideAddresses, ready: [...connections, ...propagations] };
}
