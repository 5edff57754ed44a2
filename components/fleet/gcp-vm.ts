import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { Spec } from "../config";
import { gcpProject, serviceAccountId } from "../network/gcp-names";
import { transform, type Transform } from "../transform";

/** The OAuth scope a VM's token carries; what the identity may do is decided by IAM alone. */
export const cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

export interface VmInputs {
  spec: Spec;
  role: "edge" | "node";
  description: string;
  zone: pulumi.Input<string>;
  machineType: string;
  image: pulumi.Input<string>;
  diskGb: number;
  subnet: gcp.compute.Subnetwork;
  networkTag: string;
  userData: pulumi.Input<string>;
  serviceAccount: gcp.serviceaccount.Account;
  /** The edge's static address; nodes get none. */
  publicAddress?: pulumi.Input<string>;
}

/**
 * A VM hardened the same way for the edge and the nodes: shielded VM (secure boot, vTPM, integrity
 * monitoring), its own service account, project-wide SSH keys blocked (only the operator's key from
 * user-data), serial console off, a public address only when one is given.
 */
export function hardenedVm(v: VmInputs): gcp.compute.InstanceArgs {
  return {
    description: v.description,
    zone: v.zone,
    machineType: v.machineType,
    // Lets a changed machine type stop and start the VM instead of failing.
    allowStoppingForUpdate: true,
    canIpForward: false,
    tags: [v.networkTag],
    bootDisk: {
      autoDelete: true,
      initializeParams: {
        image: v.image,
        size: v.diskGb,
        type: "pd-balanced",
        // Provider default labels do not reach disks.
        labels: { ...v.spec.tags, "portage-role": v.role },
      },
    },
    networkInterfaces: [
      {
        subnetwork: v.subnet.id,
        accessConfigs: v.publicAddress === undefined ? [] : [{ natIp: v.publicAddress, networkTier: "PREMIUM" }],
      },
    ],
    metadata: {
      "user-data": v.userData,
      "block-project-ssh-keys": "true",
      "serial-port-enable": "false",
    },
    shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
    serviceAccount: { email: v.serviceAccount.email, scopes: [cloudPlatformScope] },
    labels: { "portage-role": v.role },
  };
}

/**
 * What Pulumi must not act on for a running VM: the zone (derived from the zones that are up, which
 * may change) and the image (the family's newest, which changes every few weeks). Both only matter
 * when a VM is created; neither may ever replace one.
 */
export const vmIgnoreChanges = ["zone", "bootDisk.initializeParams.image"];

/** A VM's own identity; what it may read is granted separately, by name. */
export function createVmIdentity(
  name: string,
  args: {
    spec: Spec;
    /** Short, stable: `edge`, `virginia-1`. */ id: string;
    /** `the edge`, `node virginia-1`. */ what: string;
    transform?: Transform<gcp.serviceaccount.AccountArgs>;
  },
  opts: pulumi.CustomResourceOptions,
): gcp.serviceaccount.Account {
  return new gcp.serviceaccount.Account(
    ...transform(
      args.transform,
      name,
      {
        project: gcpProject(args.spec),
        accountId: serviceAccountId(args.spec, args.id),
        displayName: `portage ${args.spec.prefix} ${args.what}`.slice(0, 100),
        description: `Identity of ${args.what} of ${args.spec.prefix}: reads what IAM grants it by name, nothing else`,
      },
      opts,
    ),
  );
}
