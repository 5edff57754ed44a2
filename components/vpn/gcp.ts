import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { Footprint } from "../footprint";
import { ike, tunnels, vpnAsns } from "./plan";

export interface GcpVpnSide {
  gateway: gcp.compute.HaVpnGateway;
  /** The HA VPN gateway's two public addresses, by interface: what the AWS customer gateways declare. */
  interfaceAddresses: pulumi.Output<string>[];
  router: gcp.compute.Router;
}

/**
 * The HA VPN gateway (two interfaces, two public addresses) and its Cloud Router in the primary
 * region, where the database and the edge are. The router advertises every subnet of the network
 * (routing mode GLOBAL: every region) and Cloud SQL's private services range, which subnets do not
 * include: AWS reaches Cloud SQL only because of it.
 */
export function createGcpGateway(name: string, prefix: string, footprint: Footprint<"gcp">, parent: pulumi.Resource): GcpVpnSide {
  const { spec } = footprint;
  const network = footprint.network.handle.network;
  const opts = { parent, provider: footprint.providers.handle.provider };
  const region = spec.primary.region;
  const gateway = new gcp.compute.HaVpnGateway(
    `${name}-gateway`,
    { description: `portage ${prefix}: the VPN to the stack's AWS footprint`, network: network.id, region, stackType: "IPV4_ONLY" },
    opts,
  );
  const router = new gcp.compute.Router(
    `${name}-router`,
    {
      description: "BGP with AWS over the migration's VPN",
      network: network.id,
      region,
      bgp: {
        asn: vpnAsns.gcp,
        advertiseMode: "CUSTOM",
        advertisedGroups: ["ALL_SUBNETS"],
        advertisedIpRanges: [{ range: spec.addresses.privateServices.cidr, description: "Cloud SQL's private services range" }],
      },
    },
    opts,
  );
  const interfaceAddresses = [0, 1].map((i) =>
    gateway.vpnInterfaces.apply((list) => (list ?? []).find((v) => v.id === i)?.ipAddress ?? ""),
  );
  return { gateway, interfaceAddresses, router };
}

/**
 * The AWS side as GCP sees it (one external gateway of four addresses), a tunnel per address with
 * its BGP session, and the private services peering exporting the routes learned from AWS: Cloud SQL
 * lives in Google's network behind that peering and answers AWS only through them.
 */
export function createGcpTunnels(
  name: string,
  footprint: Footprint<"gcp">,
  side: GcpVpnSide,
  aws: { outsideAddresses: pulumi.Output<string>[]; keys: pulumi.Output<string>[] },
  parent: pulumi.Resource,
): pulumi.Resource[] {
  const opts = { parent, provider: footprint.providers.handle.provider };
  const region = footprint.spec.primary.region;
  const peer = new gcp.compute.ExternalVpnGateway(
    `${name}-aws`,
    {
      description: "The stack's AWS virtual private gateway: its two VPN connections' four tunnel addresses",
      redundancyType: "FOUR_IPS_REDUNDANCY",
      interfaces: tunnels.map((t) => ({ id: t.peerInterface, ipAddress: aws.outsideAddresses[t.index] })),
    },
    opts,
  );
  const made: pulumi.Resource[] = [peer];
  for (const t of tunnels) {
    const id = `tunnel-${t.index + 1}`;
    const tunnel = new gcp.compute.VPNTunnel(
      `${name}-${id}`,
      {
        description: `To AWS connection ${"AB"[t.connection]} tunnel ${t.awsTunnel}`,
        region,
        vpnGateway: side.gateway.id,
        vpnGatewayInterface: t.gcpInterface,
        peerExternalGateway: peer.id,
        peerExternalGatewayInterface: t.peerInterface,
        sharedSecret: aws.keys[t.index],
        router: side.router.id,
        ikeVersion: ike.version,
      },
      opts,
    );
    // Names are required here and unique within the router.
    const routerInterface = new gcp.compute.RouterInterface(
      `${name}-${id}-interface`,
      { name: id, router: side.router.name, region, ipRange: `${t.gcpInside}/30`, vpnTunnel: tunnel.name },
      opts,
    );
    const bgp = new gcp.compute.RouterPeer(
      `${name}-${id}-bgp`,
      {
        name: `${id}-bgp`,
        router: side.router.name,
        region,
        interface: routerInterface.name,
        ipAddress: t.gcpInside,
        peerIpAddress: t.awsInside,
        peerAsn: vpnAsns.aws,
      },
      opts,
    );
    made.push(tunnel, routerInterface, bgp);
  }
  made.push(
    new gcp.compute.NetworkPeeringRoutesConfig(
      `${name}-cloud-sql-routes`,
      {
        network: footprint.network.handle.network.name,
        peering: footprint.network.handle.privateServicesConnection.peering,
        exportCustomRoutes: true,
        importCustomRoutes: false,
      },
      opts,
    ),
  );
  return made;
}
