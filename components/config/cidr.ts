import * as ipaddr from "ipaddr.js";

export type CidrCheck = { ok: true; prefix: number } | { ok: false; reason: string };

/** Checks an IPv4/IPv6 CIDR: valid address and prefix, and no host bits set (clouds reject or silently widen those). */
export function checkCidr(cidr: string): CidrCheck {
  if (!ipaddr.isValidCIDR(cidr)) {
    return { ok: false, reason: `"${cidr}" is not a CIDR; write an address and a prefix, e.g. "203.0.113.10/32"` };
  }
  const [address, prefix] = ipaddr.parseCIDR(cidr);
  const network = address.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  if (network.toString() !== address.toString()) {
    const single = address.kind() === "ipv4" ? 32 : 128;
    return {
      ok: false,
      reason: `"${cidr}" has host bits set; did you mean "${network.toString()}/${prefix}" or "${address.toString()}/${single}"?`,
    };
  }
  return { ok: true, prefix };
}

/** True for a CIDR that lets the whole internet in (0.0.0.0/0, ::/0). */
export function isOpenToAll(cidr: string): boolean {
  const check = checkCidr(cidr);
  return check.ok && check.prefix === 0;
}
