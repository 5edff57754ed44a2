import * as ipaddr from "ipaddr.js";

/**
 * What `access.adminCidrs` may hold: ranges SSH can arrive from at the edge's public IPv4 address.
 * The edge has no IPv6 address on either cloud (docs/aws.md, docs/gcp.md: the VPC and subnets are
 * IPv4-only), so an IPv6 range would never match; an address that is never a packet's source on the
 * internet (private, loopback, multicast, ...) would never match either: behind a NAT or a VPN, SSH
 * arrives from the NAT's public address.
 */

/**
 * At most this many ranges: each is one inbound rule of the edge's security group, which AWS caps at
 * 60 rules (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups),
 * and portage itself uses up to 22 of them at 10 regions (HTTP, HTTPS, the admin API from each region's
 * nodes, and on the certificate renewer's group ACME from the other regions' edges and its own pair:
 * test/stack/aws-network.test.ts checks the largest accepted list against the limit).
 */
export const maxAdminRanges = 38;

/** Blocks no SSH client on the internet can come from (IANA special-purpose registry, RFC 6890). */
const neverSources: [string, string][] = [
  ["0.0.0.0/8", 'is "this network" (RFC 1122), never a source address'],
  ["10.0.0.0/8", "is private (RFC 1918)"],
  ["172.16.0.0/12", "is private (RFC 1918)"],
  ["192.168.0.0/16", "is private (RFC 1918)"],
  ["100.64.0.0/10", "is carrier-grade NAT space (RFC 6598)"],
  ["127.0.0.0/8", "is loopback"],
  ["169.254.0.0/16", "is link-local"],
  ["192.0.0.0/24", "is reserved for IETF protocol assignments"],
  ["198.18.0.0/15", "is reserved for benchmarking (RFC 2544)"],
  ["224.0.0.0/4", "is multicast"],
  ["240.0.0.0/4", "is reserved (and the broadcast address)"],
];

/** Documentation ranges (RFC 5737): the examples in portage's stack files, never a real client. */
const examples = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];

const within = (cidr: string, block: string): boolean => {
  const [address, prefix] = ipaddr.parseCIDR(cidr);
  const [base, blockPrefix] = ipaddr.parseCIDR(block);
  return address.kind() === "ipv4" && prefix >= blockPrefix && address.match(base, blockPrefix);
};

/** Why SSH from this (valid) range could never reach the edge, or undefined. */
export function unreachableReason(cidr: string): string | undefined {
  if (cidr.includes(":")) {
    return `is an IPv6 range, but the edge has an IPv4 address only (both clouds), so SSH from it never arrives; give your public IPv4 address, e.g. from: curl -4 https://checkip.amazonaws.com`;
  }
  const found = neverSources.find(([block]) => within(cidr, block));
  if (!found) return undefined;
  return `${found[1]}: SSH reaches the edge's public address from your public IPv4 address (behind a NAT or VPN, the NAT's), never from this range; find yours with: curl -4 https://checkip.amazonaws.com`;
}

/** True for a documentation example range, which the stack files carry until `bin/up` puts yours in. */
export function isExampleRange(cidr: string): boolean {
  return examples.some((block) => within(cidr, block));
}

/** True when the ranges together cover every IPv4 address (0.0.0.0/1 + 128.0.0.0/1 is the whole internet too). */
export function coversAllIpv4(cidrs: readonly string[]): boolean {
  const spans = cidrs
    .filter((c) => !c.includes(":") && ipaddr.isValidCIDR(c))
    .map((c) => {
      const [address, prefix] = ipaddr.parseCIDR(c);
      const start = address.toByteArray().reduce((n, byte) => n * 256 + byte, 0);
      return [start, start + 2 ** (32 - prefix) - 1] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  let next = 0;
  for (const [start, end] of spans) {
    if (start > next) return false;
    next = Math.max(next, end + 1);
  }
  return next === 2 ** 32;
}
