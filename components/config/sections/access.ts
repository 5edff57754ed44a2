import { checkCidr, isOpenToAll } from "../cidr";
import { shown } from "../errors";
import type { Spec } from "../spec";
import { truncate, type SectionInput } from "./context";

const patterns = {
  sshPublicKey:
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\n]*)?$/,
  sshPrivateKey: /^-----BEGIN [A-Z ]*PRIVATE KEY-----\n[\s\S]+\n-----END [A-Z ]*PRIVATE KEY-----\s*$/,
};

/** `portage:access` and `portage:sshPrivateKey`: who may reach the servers, and with which keys. */
export function accessSection({ raw, problems }: SectionInput): Spec["access"] {
  const access = raw.access;
  if (access.adminCidrs.length === 0) {
    problems.at(
      "access.adminCidrs",
      `is empty, so nobody could SSH to the edge, and rollouts go through it; add your address, e.g. ["203.0.113.10/32"]`,
    );
  }
  access.adminCidrs.forEach((cidr, i) => {
    const check = checkCidr(cidr);
    if (!check.ok) problems.at(`access.adminCidrs[${i}]`, check.reason);
    else if (raw.production && isOpenToAll(cidr)) {
      problems.at(
        `access.adminCidrs[${i}]`,
        `"${cidr}" opens SSH to the whole internet, which a production stack refuses; list your office or VPN ranges`,
      );
    }
  });
  if (access.sshPublicKey === "") {
    problems.at(
      "access.sshPublicKey",
      `is empty; set it with: pulumi config set --path portage:access.sshPublicKey "$(cat ~/.ssh/id_ed25519.pub)"`,
    );
  } else if (!patterns.sshPublicKey.test(access.sshPublicKey.trim())) {
    problems.at(
      "access.sshPublicKey",
      `${shown(truncate(access.sshPublicKey))} is not an OpenSSH public key; paste one line like "ssh-ed25519 AAAA... you@host"`,
    );
  }
  if (raw.sshPrivateKey !== "" && !patterns.sshPrivateKey.test(raw.sshPrivateKey)) {
    problems.at(
      "sshPrivateKey",
      "is not a PEM/OpenSSH private key; set it with: pulumi config set --secret portage:sshPrivateKey < ~/.ssh/id_ed25519",
    );
  }
  return {
    adminCidrs: access.adminCidrs,
    sshPublicKey: access.sshPublicKey.trim(),
    sshPrivateKey: raw.sshPrivateKey,
    adminUser: "portage",
  };
}
