import type * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { Spec } from "../config";

type Connection = command.types.input.remote.ConnectionArgs;

/**
 * How rollouts reach the VMs: SSH as the admin user, to the edge directly and to nodes through the
 * edge as bastion. The key comes from `portage:sshPrivateKey` (kept secret) or, when that is unset,
 * from the operator's ssh-agent (SSH_AUTH_SOCK).
 */
export function sshAuth(spec: Spec): Pick<Connection, "user" | "privateKey"> {
  return {
    user: spec.access.adminUser,
    ...(spec.access.sshPrivateKey ? { privateKey: pulumi.secret(spec.access.sshPrivateKey) } : {}),
  };
}

/** A freshly created VM takes a minute or two before sshd answers: keep dialling for ~10 minutes. */
const patience = { dialErrorLimit: 40, perDialTimeout: 15 };

export function edgeConnection(spec: Spec, edgeAddress: pulumi.Input<string>): Connection {
  return { host: edgeAddress, ...sshAuth(spec), ...patience };
}

export function nodeConnection(spec: Spec, edgeAddress: pulumi.Input<string>, nodeAddress: pulumi.Input<string>): Connection {
  return { host: nodeAddress, ...sshAuth(spec), ...patience, proxy: { host: edgeAddress, ...sshAuth(spec), ...patience } };
}

/** Runs after cloud-init has finished (a new VM may still be installing what the command needs). */
export function afterBoot(script: string): string {
  return `cloud-init status --wait >/dev/null 2>&1 || true; ${script}`;
}
