import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { GcpProviders } from "../cloud";
import { machineArchitecture, type Architecture } from "../config/release-tarball";

/** What every GCP VM shares, the edge and the nodes alike: the image, the zones and the hardening. */

/** Ubuntu 24.04 LTS on both clouds (cloud-init reads the same user-data), per CPU (t2a, c4a, n4a: arm64). */
export const ubuntuImageFamilies: Record<Architecture, { family: string; project: string }> = {
  x86_64: { family: "ubuntu-2404-lts-amd64", project: "ubuntu-os-cloud" },
  arm64: { family: "ubuntu-2404-lts-arm64", project: "ubuntu-os-cloud" },
};

/** Lookups made once per footprint (its providers) and shared by the edges and the nodes. */
const lookups = new WeakMap<GcpProviders, Map<string, pulumi.Output<string[]> | pulumi.Output<string>>>();
function once<T extends pulumi.Output<string[]> | pulumi.Output<string>>(providers: GcpProviders, key: string, look: () => T): T {
  const cache = lookups.get(providers) ?? new Map<string, pulumi.Output<string[]> | pulumi.Output<string>>();
  lookups.set(providers, cache);
  const found = cache.get(key) ?? look();
  cache.set(key, found);
  return found as T;
}

/** The newest image of the family for the machine type's CPU (one lookup per footprint and CPU, shared by its VMs). */
export function ubuntuImage(providers: GcpProviders, parent: pulumi.Resource, machineType: string): pulumi.Output<string> {
  const architecture = machineArchitecture("gcp", machineType);
  return once(providers, `image ${architecture}`, () =>
    providers.apis.apply(
      () => gcp.compute.getImageOutput({ ...ubuntuImageFamilies[architecture] }, { provider: providers.provider, parent }).selfLink,
    ),
  );
}

/**
 * AI zones (`us-central1-ai1a`) are zones of a region that hold accelerator capacity, not the
 * general-purpose machine types (https://cloud.google.com/compute/docs/regions-zones#ai-zones).
 */
export const aiZone = /-ai\d+[a-z]$/;

/** The machine type a VM needs, and the config key that chose it (for the error). */
export interface NeededMachine {
  type: string;
  key: string;
}

/**
 * A region's zones that are up, are not AI zones and offer the machine type (one getMachineTypes
 * per zone), sorted so that a VM's zone follows from its index alone. A type no zone offers is an
 * error naming the config key, before any VM is created. One zone lookup per region, one offering
 * lookup per region and type, whatever the number of VMs.
 */
export function regionZones(
  providers: GcpProviders,
  region: string,
  machine: NeededMachine,
  parent: pulumi.Resource,
): pulumi.Output<string[]> {
  const opts = { provider: providers.provider, parent };
  const zones = once(providers, `zones ${region}`, () =>
    providers.apis.apply(() =>
      gcp.compute.getZonesOutput({ region, status: "UP" }, opts).names.apply((names) => generalZones(region, names)),
    ),
  );
  const offering = once(providers, `zones ${region} offering ${machine.type}`, () =>
    zones.apply(async (list) => {
      const offered = await Promise.all(
        list.map(
          async (zone) => (await gcp.compute.getMachineTypes({ zone, filter: `name = "${machine.type}"` }, opts)).machineTypes.length > 0,
        ),
      );
      return list.filter((_, i) => offered[i]);
    }),
  );
  return pulumi.all([zones, offering]).apply(([list, offered]) =>
    zonesOffering(
      region,
      list,
      list.map((zone) => offered.includes(zone)),
      machine,
    ),
  );
}

/** The zones of a region that can hold general-purpose VMs (no AI zone), sorted. */
export function generalZones(region: string, names: readonly string[]): string[] {
  const zones = names.filter((zone) => !aiZone.test(zone)).sort();
  if (zones.length === 0) throw new Error(`gcp reports no zone up in ${region}`);
  return zones;
}

/** The zones whose `offered` flag is set; none is an error naming the config key. */
export function zonesOffering(region: string, zones: readonly string[], offered: readonly boolean[], machine: NeededMachine): string[] {
  const usable = zones.filter((_, i) => offered[i]);
  if (usable.length === 0) {
    throw new Error(
      `${machine.key}: "${machine.type}" is offered in no zone of ${region} (${zones.join(", ")}); choose another size ` +
        `(gcloud compute machine-types list --filter="name=${machine.type} AND zone~${region}")`,
    );
  }
  return usable;
}

/** The zone of the `index`-th VM of a region: round-robin over its zones. */
export function zoneAt(zones: readonly string[], index: number): string {
  const zone = zones[index % zones.length];
  if (zone === undefined) throw new Error("no zone to place a VM in");
  return zone;
}

/**
 * GCP takes at most 256 KB per metadata value and 512 KB for all of an instance's metadata
 * (https://cloud.google.com/compute/docs/metadata/setting-custom-metadata#limitations): the
 * user-data is one value, as text.
 */
export const metadataLimits = { value: 256 * 1024, total: 512 * 1024 };

/** The OAuth scope a VM's token carries; what the identity may do is decided by IAM alone. */
export const cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

export interface VmInputs {
  role: "edge" | "node";
  /** Labels of the boot disk besides the role (provider default labels do not reach disks). */
  labels: Record<string, string>;
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
        labels: { ...v.labels, "portage-role": v.role },
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
