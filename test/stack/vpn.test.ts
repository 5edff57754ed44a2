import { describe, expect, it } from "vitest";
import { loadSpec, type Cloud } from "../../components/config";
import { insideCidrProblem, presharedKeyPattern, privateAsnRange, tunnels, vpnAsns } from "../../components/vpn";
import { buildStack } from "../../stacks/program";
import { runOffline, Secret, type RecordedResource } from "../../tools/offline/run";
import { runStack, stackConfigMap } from "../../tools/offline/stack";
import { all, validConfig } from "../support/stack";

const T = {
  awsGateway: "aws:ec2/vpnGateway:VpnGateway",
  customerGateway: "aws:ec2/customerGateway:CustomerGateway",
  connection: "aws:ec2/vpnConnection:VpnConnection",
  propagation: "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  routeTable: "aws:ec2/routeTable:RouteTable",
  haGateway: "gcp:compute/haVpnGateway:HaVpnGateway",
  router: "gcp:compute/router:Router",
  external: "gcp:compute/externalVpnGateway:ExternalVpnGateway",
  tunnel: "gcp:compute/vPNTunnel:VPNTunnel",
  routerInterface: "gcp:compute/routerInterface:RouterInterface",
  routerPeer: "gcp:compute/routerPeer:RouterPeer",
  peeringRoutes: "gcp:compute/networkPeeringRoutesConfig:NetworkPeeringRoutesConfig",
  password: "random:index/randomPassword:RandomPassword",
} as const;

const config = (from: Cloud, to: Cloud, phase?: string) =>
  validConfig({
    "portage:provider": from,
    "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 2 },
    ...(phase ? { "portage:migration": { to, phase } } : {}),
  });

const revealed = (v: unknown) => (v instanceof Secret ? v.value : v);
const inVpn = (run: { resources: RecordedResource[] }, type: string) => all(run, type).filter((r) => r.name.startsWith("vpn-"));

describe("the VPN's numbers", () => {
  it("four tunnels, two per AWS connection, each HA VPN interface on one connection, inside ranges AWS accepts and unique", () => {
    expect(tunnels.map((t) => [t.connection, t.awsTunnel, t.gcpInterface, t.peerInterface])).toEqual([
      [0, 1, 0, 0],
      [0, 2, 0, 1],
      [1, 1, 1, 2],
      [1, 2, 1, 3],
    ]);
    for (const t of tunnels) expect(insideCidrProblem(t.insideCidr), t.insideCidr).toBeUndefined();
    expect(new Set(tunnels.map((t) => t.insideCidr)).size).toBe(4);
  });

  it("the inside range rule refuses what AWS refuses", () => {
    expect(insideCidrProblem("169.254.3.0/30")).toMatch(/reserved/);
    expect(insideCidrProblem("169.254.169.252/30")).toMatch(/reserved/);
    expect(insideCidrProblem("169.254.10.2/30")).toMatch(/multiple of 4/);
    expect(insideCidrProblem("10.0.0.0/30")).toMatch(/169\.254/);
    expect(insideCidrProblem("169.254.10.0/29")).toMatch(/169\.254/);
  });

  it("the ASNs are private and differ; the pre-shared key rule is AWS's", () => {
    for (const asn of Object.values(vpnAsns)) expect(asn >= privateAsnRange.min && asn <= privateAsnRange.max).toBe(true);
    expect(vpnAsns.aws).not.toBe(vpnAsns.gcp);
    expect(presharedKeyPattern.test("0abcdefgh")).toBe(false);
    expect(presharedKeyPattern.test("abc-defgh")).toBe(false);
    expect(presharedKeyPattern.test("short")).toBe(false);
    expect(presharedKeyPattern.test("Abc.def_ghi")).toBe(true);
  });
});

describe.each([
  ["aws", "gcp"],
  ["gcp", "aws"],
] as const)("the VPN of a stack moving from %s to %s", async (from, to) => {
  const run = await runOffline(() => buildStack(loadSpec()), {
    config: stackConfigMap({ overrides: config(from, to, "replicate") }),
    stack: "dev",
  });
  const plain = await runStack({ overrides: config(from, to), stackName: "dev" });
  const connections = inVpn(run, T.connection).sort((a, b) => a.name.localeCompare(b.name));
  const keyOf = (name: string) => revealed(all(run, T.password).find((p) => p.name === name)?.inputs);

  it("evaluates, and a stack without a migration has no VPN", () => {
    expect(run.error).toBeUndefined();
    expect(plain.resources.filter((r) => r.name === "vpn" || r.name.startsWith("vpn-"))).toEqual([]);
  });

  it("AWS: one virtual private gateway on the primary VPC, two customer gateways (one per HA VPN interface), two BGP connections", () => {
    const [gateway] = inVpn(run, T.awsGateway);
    expect(inVpn(run, T.awsGateway)).toHaveLength(1);
    expect(String(gateway!.inputs.vpcId)).toMatch(/network-virginia-vpc-id$/);
    const customers = inVpn(run, T.customerGateway);
    expect(customers).toHaveLength(2);
    for (const c of customers) expect(c.inputs).toMatchObject({ type: "ipsec.1", bgpAsn: String(vpnAsns.gcp) });
    expect(connections.map((c) => c.name)).toEqual(["vpn-connection-a", "vpn-connection-b"]);
    for (const c of connections) expect(c.inputs).toMatchObject({ type: "ipsec.1", staticRoutesOnly: false });
  });

  it("both sides agree on every tunnel: inside ranges, BGP addresses, ASNs, IKEv2 with one proposal, the same generated key (a secret)", () => {
    const router = inVpn(run, T.router)[0]!;
    expect((router.inputs.bgp as { asn: number }).asn).toBe(vpnAsns.gcp);
    expect(inVpn(run, T.awsGateway)[0]!.inputs.amazonSideAsn).toBe(String(vpnAsns.aws));
    const gcpTunnels = inVpn(run, T.tunnel);
    expect(gcpTunnels).toHaveLength(4);
    for (const t of tunnels) {
      const conn = connections[t.connection]!.inputs;
      const n = t.awsTunnel;
      expect(conn[`tunnel${n}InsideCidr`]).toBe(t.insideCidr);
      expect(conn[`tunnel${n}IkeVersions`]).toEqual(["ikev2"]);
      for (const phase of [1, 2]) {
        expect(conn[`tunnel${n}Phase${phase}EncryptionAlgorithms`]).toEqual(["AES256"]);
        expect(conn[`tunnel${n}Phase${phase}DhGroupNumbers`]).toEqual([14]);
      }
      const gcpTunnel = gcpTunnels.find((g) => g.name === `vpn-tunnel-${t.index + 1}`)!;
      expect(gcpTunnel.inputs).toMatchObject({
        vpnGatewayInterface: t.gcpInterface,
        peerExternalGatewayInterface: t.peerInterface,
        ikeVersion: 2,
      });
      // The key is a secret on both sides and the same one.
      const awsKey = conn[`tunnel${n}PresharedKey`];
      expect(awsKey).toBeInstanceOf(Secret);
      expect(gcpTunnel.inputs.sharedSecret).toBeInstanceOf(Secret);
      expect(revealed(gcpTunnel.inputs.sharedSecret)).toBe(revealed(awsKey));
      const iface = inVpn(run, T.routerInterface).find((r) => r.name === `vpn-tunnel-${t.index + 1}-interface`)!;
      expect(iface.inputs.ipRange).toBe(`${t.gcpInside}/30`);
      const peer = inVpn(run, T.routerPeer).find((r) => r.name === `vpn-tunnel-${t.index + 1}-bgp`)!;
      expect(peer.inputs).toMatchObject({ ipAddress: t.gcpInside, peerIpAddress: t.awsInside, peerAsn: vpnAsns.aws });
    }
    // Four generated keys, as AWS accepts them: letters only (no leading 0, nothing outside [A-Za-z0-9._]).
    for (const i of [1, 2, 3, 4]) expect(keyOf(`vpn-key-${i}`)).toMatchObject({ length: 48, special: false, numeric: false });
  });

  it("GCP's external gateway has the four AWS addresses in Google's order, A1 A2 B1 B2", () => {
    const [external] = inVpn(run, T.external);
    expect(external!.inputs.redundancyType).toBe("FOUR_IPS_REDUNDANCY");
    expect((external!.inputs.interfaces as { id: number }[]).map((i) => i.id)).toEqual([0, 1, 2, 3]);
  });

  it("routes: AWS propagates what BGP learns into the primary region's route tables; GCP advertises its subnets and Cloud SQL's range, and exports the learned routes to Cloud SQL's peering", () => {
    const tables = all(run, T.routeTable).filter((r) => r.name.startsWith(from === "aws" ? "network-virginia" : "aws-network-virginia"));
    expect(tables.length).toBeGreaterThanOrEqual(2);
    const propagated = inVpn(run, T.propagation).map((p) => String(p.inputs.routeTableId));
    for (const table of tables) expect(propagated, table.name).toContain(`${table.name}-id`);
    const bgp = inVpn(run, T.router)[0]!.inputs.bgp as {
      advertiseMode: string;
      advertisedGroups: string[];
      advertisedIpRanges: { range: string }[];
    };
    expect(bgp.advertiseMode).toBe("CUSTOM");
    expect(bgp.advertisedGroups).toEqual(["ALL_SUBNETS"]);
    const privateRange = all(run, "gcp:compute/globalAddress:GlobalAddress").find((a) => a.inputs.purpose === "VPC_PEERING")!;
    expect(bgp.advertisedIpRanges.map((r) => r.range)).toEqual([
      `${String(privateRange.inputs.address)}/${String(privateRange.inputs.prefixLength)}`,
    ]);
    expect(inVpn(run, T.peeringRoutes)[0]!.inputs).toMatchObject({ exportCustomRoutes: true, importCustomRoutes: false });
  });

  it("security group rules let exactly what crosses through: Postgres between the databases, the migration's steps, the edge's forwarding", () => {
    const rules = [...inVpn(run, T.ingress).map((r) => ["in", r] as const), ...inVpn(run, T.egress).map((r) => ["out", r] as const)];
    const shape = rules.map(([dir, r]) => `${dir} ${String(r.inputs.fromPort)}-${String(r.inputs.toPort)} ${r.name}`).sort();
    const expected =
      from === "aws"
        ? [
            "in 5432-5432 vpn-database-from-cloud-sql",
            "out 5432-5432 vpn-database-to-cloud-sql",
            "in 5432-5432 vpn-database-from-migration-node",
            "out 80-80 vpn-edge-to-gcp-edge-80",
            "out 443-443 vpn-edge-to-gcp-edge-443",
          ]
        : ["in 5432-5432 vpn-database-from-cloud-sql", "out 5432-5432 vpn-database-to-cloud-sql", "out 5432-5432 vpn-nodes-to-cloud-sql"];
    expect(shape).toEqual(expected.sort());
    for (const [, r] of rules) {
      expect(r.inputs.ipProtocol).toBe("tcp");
      // Never the internet: a /32 or the Cloud SQL range.
      expect(String(r.inputs.cidrIpv4)).not.toBe("0.0.0.0/0");
    }
  });
});
