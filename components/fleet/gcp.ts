import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { CreatedNode, FleetArgs } from ".";
import type { NodeSpec } from "../config";
import { gcpSubnet } from "../network/gcp";
import { gcpProject } from "../network/gcp-names";
import { grantSecretAccess, secretCondition } from "../secrets/gcp-access";
import { nodeSecretEnv } from "../secrets/names";
import { transform, type Transform } from "../transform";
import { projectNumber, regionZones, ubuntuImage, zoneAt } from "./gcp-lookups";
import { createVmIdentity, hardenedVm, vmIgnoreChanges } from "./gcp-vm";

/** Per-resource escape hatches for the gcp fleet (see components/transform.ts); each applies to every node. */
export interface GcpFleetTransforms {
  instance?: Transform<gcp.compute.InstanceArgs>;
  serviceAccount?: Transform<gcp.serviceaccount.AccountArgs>;
  /** A node's grant to read the stack's secrets. */
  secretAccess?: Transform<gcp.projects.IAMMemberArgs>;
  /** The one binding that lets every node read the bucket. */
  bucketAccess?: Transform<gcp.storage.BucketIAMBindingArgs>;
}

export interface GcpNode extends CreatedNode {
  instance: gcp.compute.Instance;
  serviceAccount: gcp.serviceaccount.Account;
  secretAccess: gcp.projects.IAMMember;
}

export interface GcpFleet {
  nodes: GcpNode[];
  bucketAccess: gcp.storage.BucketIAMBinding;
}

/**
 * A VM per node in its region's subnet, zone by index over the region's zones, no public address.
 * Each node has its own service account and two grants: the stack's secrets (one conditional project
 * member per node: adding a node adds a member and touches no other grant) and the bucket (one
 * binding on the stack's own bucket listing every node: one resource however large the fleet).
 * Lookups are made once per fleet (image, project) or per region (zones), never per node.
 */
export function createGcpFleet(
  name: string,
  args: FleetArgs & { userData: (node: NodeSpec) => pulumi.Output<string> },
  parent: pulumi.Resource,
): GcpFleet {
  const { spec, cloud } = args;
  const network = args.network.gcp;
  const bucket = args.bucket.gcp;
  if (!network || !bucket) throw new Error("the gcp fleet needs the gcp network and bucket");
  const t = args.transform?.gcp;
  const opts = { parent, provider: cloud.gcpProvider() };

  const image = ubuntuImage(cloud, parent);
  const condition = secretCondition(spec, projectNumber(cloud, gcpProject(spec), parent), nodeSecretEnv, "node");
  const zones = new Map(spec.fleet.regions.map((r) => [r.region, regionZones(cloud, r.region, parent)]));

  const nodes = spec.fleet.nodes.map((node): GcpNode => {
    const regionZoneList = zones.get(node.region.region);
    if (!regionZoneList) throw new Error(`node ${node.name}: ${node.region.region} is not a fleet region`);
    const serviceAccount = createVmIdentity(
      `${name}-${node.name}`,
      {
        spec,
        id: node.name,
        what: `node ${node.name}`,
        transform: t?.serviceAccount,
      },
      opts,
    );
    const secretAccess = grantSecretAccess(
      `${name}-${node.name}-secrets`,
      { spec, member: serviceAccount.member, condition, transform: t?.secretAccess },
      opts,
    );
    const instance = new gcp.compute.Instance(
      ...transform(
        t?.instance,
        `${name}-${node.name}`,
        hardenedVm({
          spec,
          role: "node",
          description: `portage ${spec.prefix}: node ${node.name}`,
          zone: regionZoneList.apply((list) => zoneAt(list, node.index)),
          machineType: spec.fleet.machineType,
          image,
          diskGb: spec.fleet.diskGb,
          subnet: gcpSubnet(network, node.region.region),
          networkTag: network.nodeTag,
          userData: args.userData(node),
          serviceAccount,
        }),
        { ...opts, ignoreChanges: vmIgnoreChanges },
      ),
    );
    const privateAddress = instance.networkInterfaces.apply((nics) => nics[0]?.networkIp ?? "");
    return { spec: node, instance, privateAddress, serviceAccount, secretAccess };
  });

  // Authoritative for objectViewer on the stack's own bucket only; nothing else holds that role there.
  const bucketAccess = new gcp.storage.BucketIAMBinding(
    ...transform(
      t?.bucketAccess,
      `${name}-bucket-read`,
      {
        bucket: bucket.bucket.name,
        role: "roles/storage.objectViewer",
        members: pulumi.all(nodes.map((n) => n.serviceAccount.member)),
      },
      opts,
    ),
  );

  return { nodes, bucketAccess };
}
