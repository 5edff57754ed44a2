import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { NodeSpec } from "../config";
import { bucketReadExcept, createVmIdentity, grantResultsWrite, grantSecretAccess, projectNumber, secretCondition } from "../identity/gcp";
import { stackTags } from "../names";
import type { GcpRegionNetwork } from "../network";
import { edgeObjectsPrefix } from "../rollout/protocol";
import { nodeStoreEnv, replicaSecretRef } from "../secrets/names";
import { transform, type Transform } from "../transform";
import { hardenedVm, regionZones, ubuntuImage, vmIgnoreChanges, zoneAt } from "../vm/gcp";
import type { CreatedNode, FleetInputs } from "./types";

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
  /** Its agent's write access to its own results (a managed folder's member). */
  results: gcp.storage.ManagedFolderIamMember;
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
export function createFleet(
  name: string,
  args: FleetInputs<"gcp"> & { userData: (node: NodeSpec) => pulumi.Output<string> },
  t: GcpFleetTransforms = {},
  parent: pulumi.Resource,
): GcpFleet {
  const { spec, cloud } = args;
  const providers = args.providers.handle;
  const network = args.network.handle;
  const bucket = args.bucket.handle;
  const opts = { parent, provider: providers.provider };

  const image = ubuntuImage(providers, parent, cloud.fleet.machineType);
  const number = projectNumber(providers, parent);
  const condition = secretCondition(spec, number, nodeStoreEnv, "node");
  // A region with a read replica: its nodes' condition also names the replica's URL.
  const regionConditions = new Map(
    cloud.database.replicas.map((region) => [
      region.region,
      secretCondition(spec, number, nodeStoreEnv, "node", {
        what: ` in ${region.key}`,
        entries: [replicaSecretRef({ provider: "gcp", prefix: spec.prefix }, region.key)],
      }),
    ]),
  );
  // Region by region (the order of cloud.nodes), with one zone lookup per region.
  const nodes = network.regions.flatMap((region) => {
    const zones = regionZones(providers, region.region.region, { type: cloud.fleet.machineType, key: "portage:fleet.size" }, parent);
    return cloud.nodes.filter((node) => node.region === region.region).map((node) => createNode(node, region, zones));
  });

  function createNode(node: NodeSpec, region: GcpRegionNetwork, zones: pulumi.Output<string[]>): GcpNode {
    const serviceAccount = createVmIdentity(
      `${name}-${node.name}`,
      { spec, providers, id: node.name, what: `node ${node.name}`, transform: t.serviceAccount },
      opts,
    );
    const secretAccess = grantSecretAccess(
      `${name}-${node.name}-secrets`,
      {
        providers,
        member: serviceAccount.member,
        condition: regionConditions.get(node.region.region) ?? condition,
        transform: t.secretAccess,
      },
      opts,
    );
    const results = grantResultsWrite(
      `${name}-${node.name}-results`,
      { providers, bucket: bucket.bucket.name, agent: node.name, member: serviceAccount.member },
      opts,
    );
    const instance = new gcp.compute.Instance(
      ...transform(
        t.instance,
        `${name}-${node.name}`,
        hardenedVm({
          role: "node",
          labels: stackTags(spec, "gcp"),
          description: `portage ${spec.prefix}: node ${node.name}`,
          zone: zones.apply((list) => zoneAt(list, node.index)),
          machineType: cloud.fleet.machineType,
          image,
          diskGb: spec.fleet.diskGb,
          subnet: region.subnet,
          networkTag: network.nodeTag,
          userData: args.userData(node),
          serviceAccount,
        }),
        // First boot installs packages once: the region's Cloud NAT, the firewall and the node's grant
        // on its secrets exist before it starts (the bucket's grant names every node, so it comes after:
        // portage-boot retries what IAM has not propagated yet).
        { ...opts, ignoreChanges: vmIgnoreChanges, dependsOn: [region.nat, ...network.firewalls, secretAccess, results.member] },
      ),
    );
    const privateAddress = instance.networkInterfaces.apply((nics) => nics[0]?.networkIp ?? "");
    return { spec: node, instance, privateAddress, serviceAccount, secretAccess, results: results.member };
  }

  // Authoritative for objectViewer under this condition on the stack's own bucket only: every object
  // but the edges' (their routes, their shared certificate and its key).
  const bucketAccess = new gcp.storage.BucketIAMBinding(
    ...transform(
      t.bucketAccess,
      `${name}-bucket-read`,
      {
        bucket: bucket.bucket.name,
        role: "roles/storage.objectViewer",
        members: pulumi.all(nodes.map((n) => n.serviceAccount.member)),
        condition: bucketReadExcept(bucket.bucket.name, edgeObjectsPrefix, "nodes"),
      },
      opts,
    ),
  );

  return { nodes, bucketAccess };
}
