import { coversAllIpv4, isExampleRange, maxAdminRanges, unreachableReason } from "../admin-ranges";
import { checkCidr, isOpenToAll } from "../cidr";
import { shown } from "../errors";
import type { Spec } from "../spec";
import { checkPrivateKey, checkPublicKey } from "../ssh-keys";
import { truncate, type SectionInput } from "./context";

const publicKeyShape =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\n]*)?$/;

/** `portage:access` and `portage:sshPrivateKey`: who may reach the servers, and with which keys. */
export function accessSection({ raw, problems }: SectionInput): Spec["access"] {
  const access = raw.access;
  const cidrs = access.adminCidrs;
  if (cidrs.length === 0) {
    problems.at(
      "access.adminCidrs",
      `is empty, so nobody could SSH to the edge, and rollouts go through it; add your address, e.g. ["203.0.113.10/32"]`,
    );
  }
  if (cidrs.length > maxAdminRanges) {
    problems.at(
      "access.adminCidrs",
      `lists ${cidrs.length} ranges; at most ${maxAdminRanges} fit in the edge's firewall (one rule each, next to portage's own); merge neighbouring ranges or use a VPN with one exit address`,
    );
  }
  const valid: string[] = [];
  cidrs.forEach((cidr, i) => {
    const key = `access.adminCidrs[${i}]`;
    const check = checkCidr(cidr);
    if (!check.ok) return problems.at(key, check.reason);
    const unreachable = unreachableReason(cidr);
    if (unreachable) return problems.at(key, `${shown(cidr)} ${unreachable}`);
    if (valid.includes(cidr)) return problems.at(key, `${shown(cidr)} is listed twice; list each range once`);
    valid.push(cidr);
  });
  const openToAll = valid.some(isOpenToAll) || coversAllIpv4(valid);
  if (openToAll && raw.production) {
    const which = valid.findIndex(isOpenToAll);
    problems.at(
      which >= 0 ? `access.adminCidrs[${which}]` : "access.adminCidrs",
      `${shown(which >= 0 ? valid[which] : valid)} opens SSH to the whole internet, which a production stack refuses; list your office or VPN ranges`,
    );
  } else if (openToAll) {
    problems.warn(
      "access.adminCidrs",
      "opens SSH to the edge to the whole internet; list your own ranges before this stack holds anything",
    );
  }
  const examples = valid.filter(isExampleRange);
  if (examples.length > 0) {
    problems.warn(
      "access.adminCidrs",
      `${shown(examples)} ${examples.length === 1 ? "is a documentation example" : "are documentation examples"} (RFC 5737): no real client has such an address, so SSH to the edge (and the rollouts through it) will not connect; put your public address in its place (curl -4 https://checkip.amazonaws.com)`,
    );
  }

  const publicKey = access.sshPublicKey.trim();
  let publicBlob: Buffer | undefined;
  if (publicKey === "") {
    problems.at(
      "access.sshPublicKey",
      `is empty; set it with: pulumi config set --path portage:access.sshPublicKey "$(cat ~/.ssh/id_ed25519.pub)"`,
    );
  } else if (!publicKeyShape.test(publicKey)) {
    problems.at(
      "access.sshPublicKey",
      `${shown(truncate(publicKey))} is not an OpenSSH public key; paste one line like "ssh-ed25519 AAAA... you@host"`,
    );
  } else {
    const key = checkPublicKey(publicKey);
    if (key.ok) publicBlob = key.blob;
    else problems.at("access.sshPublicKey", `${shown(truncate(publicKey))}: ${key.reason}`);
  }
  if (raw.sshPrivateKey !== "") {
    const key = checkPrivateKey(raw.sshPrivateKey);
    if (!key.ok) {
      problems.at(
        "sshPrivateKey",
        `${key.reason}${key.reason.startsWith("is not") ? "; set it with: pulumi config set --secret portage:sshPrivateKey < ~/.ssh/id_ed25519" : ""}`,
      );
    } else if (publicBlob && !key.publicBlob.equals(publicBlob)) {
      problems.at(
        "sshPrivateKey",
        "is not the private half of portage:access.sshPublicKey, the key the VMs let in, so rollouts would be refused; set both from one pair (ssh-keygen -y -f <private key> prints its public key)",
      );
    }
  }
  return { adminCidrs: cidrs, sshPublicKey: publicKey, sshPrivateKey: raw.sshPrivateKey, adminUser: "portage" };
}
