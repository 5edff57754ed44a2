/**
 * The VPN between a stack's AWS and GCP footprints, as numbers both sides must agree on: the
 * topology Google documents for AWS ("Connect HA VPN to AWS peer gateways"): two AWS Site-to-Site VPN
 * connections (A, B), each with two tunnels, make four AWS outside addresses (A1, A2, B1, B2), one
 * external VPN gateway of FOUR_IPS_REDUNDANCY on GCP; HA VPN interface 0 reaches A1 and A2, interface 1
 * B1 and B2 (the 99.99% SLA topology). BGP over each tunnel.
 */

/** Private 16-bit ASNs (RFC 6996): what both clouds accept for the two BGP speakers. */
export const privateAsnRange = { min: 64512, max: 65534 } as const;

/**
 * BGP ASNs: both private (64512-65534), and different. AWS's is the virtual private gateway's
 * `amazonSideAsn` (AWS's own default); GCP's the Cloud Router's, which the customer gateways declare.
 */
export const vpnAsns = { aws: 64512, gcp: 65000 } as const;

/**
 * IKE: version 2 and one proposal per phase. Google's known issue with AWS: AWS's default list of
 * transform sets makes IKE packets large enough to fragment, which Cloud VPN does not support, and
 * rekeying fails. AES-256 / SHA2-256 / DH group 14 are in both clouds' supported lists (AWS "Tunnel
 * options for your Site-to-Site VPN connection"; Google "Supported IKE ciphers").
 */
export const ike = { version: 2, encryption: "AES256", integrity: "SHA2-256", dhGroup: 14 } as const;

/** One tunnel: which AWS connection and tunnel it is, which GCP interface it leaves from, its inside addresses. */
export interface TunnelPlan {
  /** 0-3: A1, A2, B1, B2. */
  index: number;
  /** The AWS VPN connection (0 = A, 1 = B), and so the customer gateway, and so the HA VPN interface. */
  connection: 0 | 1;
  /** The connection's tunnel 1 or 2. */
  awsTunnel: 1 | 2;
  /** The HA VPN gateway's interface: the connection's customer gateway is that interface's address. */
  gcpInterface: 0 | 1;
  /** The external VPN gateway's interface id: the tunnel's AWS outside address. */
  peerInterface: number;
  /** A /30 in 169.254.0.0/16 outside AWS's reserved ones (169.254.0-5.0/30, 169.254.169.252/30). */
  insideCidr: string;
  /** AWS's side of the /30 (the first host) and GCP's (the second): the BGP session's two ends. */
  awsInside: string;
  gcpInside: string;
}

/** AWS's reserved inside ranges (VpnTunnelOptionsSpecification, TunnelInsideCidr). */
export const reservedInsideCidrs = [0, 1, 2, 3, 4, 5].map((n) => `169.254.${n}.0/30`).concat("169.254.169.252/30");

/**
 * Why AWS would refuse a tunnel's inside range, or undefined when it accepts it: a /30 of
 * 169.254.0.0/16, not reserved (AWS CloudFormation "AWS::EC2::VPNConnection
 * VpnTunnelOptionsSpecification"). Google's Cloud Router takes any /30 of 169.254.0.0/16.
 */
export function insideCidrProblem(cidr: string): string | undefined {
  const m = /^169\.254\.(\d{1,3})\.(\d{1,3})\/30$/.exec(cidr);
  if (!m || Number(m[1]) > 255 || Number(m[2]) > 255) return `${cidr} is not a /30 of 169.254.0.0/16`;
  if (Number(m[2]) % 4 !== 0) return `${cidr} does not start a /30 (its last number must be a multiple of 4)`;
  if (reservedInsideCidrs.includes(cidr)) return `${cidr} is reserved by AWS`;
  return undefined;
}

/** The four tunnels. Inside ranges are unique per virtual private gateway, and each stack has its own. */
export const tunnels: readonly TunnelPlan[] = [0, 1, 2, 3].map((index) => {
  const connection = (index < 2 ? 0 : 1) as 0 | 1;
  const base = index * 4;
  return {
    index,
    connection,
    awsTunnel: ((index % 2) + 1) as 1 | 2,
    gcpInterface: connection,
    peerInterface: index,
    insideCidr: `169.254.10.${base}/30`,
    awsInside: `169.254.10.${base + 1}`,
    gcpInside: `169.254.10.${base + 2}`,
  };
});

/**
 * A pre-shared key AWS accepts: 8-64 of letters, digits, `.` and `_`, not starting with `0` (AWS
 * "VpnTunnelOptionsSpecification"). Generated as letters only, 48 of them (about 270 bits).
 */
export const presharedKey = { length: 48, special: false, numeric: false } as const;
export const presharedKeyPattern = /^[A-Za-z1-9._][A-Za-z0-9._]{7,63}$/;
