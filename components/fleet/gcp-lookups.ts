import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../cloud";

/** Ubuntu 24.04 LTS (amd64) on both clouds: cloud-init reads the same user-data. */
export const ubuntuImageFamily = { family: "ubuntu-2404-lts-amd64", project: "ubuntu-os-cloud" } as const;

/** The newest image of the family (one lookup per component, shared by its VMs). */
export function ubuntuImage(cloud: Cloud, parent: pulumi.Resource): pulumi.Output<string> {
  return gcp.compute.getImageOutput({ ...ubuntuImageFamily }, { provider: cloud.gcpProvider(), parent }).selfLink;
}

/** A region's zones that are up, sorted so that a node's zone follows from its index alone. */
export function regionZones(cloud: Cloud, region: string, parent: pulumi.Resource): pulumi.Output<string[]> {
  return gcp.compute.getZonesOutput({ region, status: "UP" }, { provider: cloud.gcpProvider(), parent }).names.apply((names) => {
    if (names.length === 0) throw new Error(`gcp reports no zone up in ${region}`);
    return [...names].sort();
  });
}

/** The project's number: Secret Manager's resource names (what IAM conditions see) use it, not the id. */
export function projectNumber(cloud: Cloud, project: string, parent: pulumi.Resource): pulumi.Output<string> {
  return gcp.organizations.getProjectOutput({ projectId: project }, { provider: cloud.gcpProvider(), parent }).number;
}

/** The zone of the `index`-th VM of a region: round-robin over its zones. */
export function zoneAt(zones: readonly string[], index: number): string {
  const zone = zones[index % zones.length];
  if (zone === undefined) throw new Error("no zone to place a VM in");
  return zone;
}
