import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { EdgeAddresses, EdgeArgs } from ".";
import { projectNumber, regionZones, ubuntuImage, zoneAt } from "../fleet/gcp-lookups";
import { createVmIdentity, hardenedVm, vmIgnoreChanges } from "../fleet/gcp-vm";
import { gcpSubnet } from "../network/gcp";
import { gcpProject } from "../network/gcp-names";
import { grantSecretAccess, secretCondition } from "../secrets/gcp-access";
import { edgeSecretEnv } from "../secrets/names";
import { transform, type Transform } from "../transform";

/** Per-resource escape hatches for the gcp edge (see components/transform.ts). */
export interface GcpEdgeTransforms {
  address?: Transform<gcp.compute.AddressArgs>;
  instance?: Transform<gcp.compute.InstanceArgs>;
  serviceAccount?: Transform<gcp.serviceaccount.AccountArgs>;
  secretAccess?: Transform<gcp.projects.IAMMemberArgs>;
}

export interface GcpEdge extends EdgeAddresses {
  instance: gcp.compute.Instance;
  address: gcp.compute.Address;
  serviceAccount: gcp.serviceaccount.Account;
  secretAccess: gcp.projects.IAMMember;
}

/** Boot disk of the edge: the OS, HAProxy or Traefik and logs. */
const edgeDiskGb = 20;

/**
 * The edge VM in the primary region's subnet, in its first zone: the only VM with a public address
 * (a static one, kept across VM replacements), its own service account that reads the edge admin
 * password and nothing else.
 */
export function createGcpEdge(name: string, args: EdgeArgs & { userData: string }, parent: pulumi.Resource): GcpEdge {
  const { spec, cloud } = args;
  const network = args.network.gcp;
  if (!network) throw new Error("the gcp edge needs the gcp network");
  const t = args.transform?.gcp;
  const opts = { parent, provider: cloud.gcpProvider() };
  const primary = cloud.primaryRegion();

  const serviceAccount = createVmIdentity(`${name}-identity`, { spec, id: "edge", what: "the edge", transform: t?.serviceAccount }, opts);
  // By name: the secret is written after the edge exists (PHX_HOST is the edge's address).
  const secretAccess = grantSecretAccess(
    `${name}-secret-access`,
    {
      spec,
      member: serviceAccount.member,
      condition: secretCondition(spec, projectNumber(cloud, gcpProject(spec), parent), edgeSecretEnv, "edge"),
      transform: t?.secretAccess,
    },
    opts,
  );

  const address = new gcp.compute.Address(
    ...transform(
      t?.address,
      `${name}-address`,
      {
        description: `portage ${spec.prefix}: the edge's public address`,
        region: primary.region,
        addressType: "EXTERNAL",
        networkTier: "PREMIUM",
      },
      opts,
    ),
  );

  const instance = new gcp.compute.Instance(
    ...transform(
      t?.instance,
      `${name}-vm`,
      hardenedVm({
        spec,
        role: "edge",
        description: `portage ${spec.prefix}: the edge (${spec.edge.kind}), SSH bastion`,
        zone: regionZones(cloud, primary.region, parent).apply((zones) => zoneAt(zones, 0)),
        machineType: spec.edge.machineType,
        image: ubuntuImage(cloud, parent),
        diskGb: edgeDiskGb,
        subnet: gcpSubnet(network, primary.region),
        networkTag: network.edgeTag,
        userData: args.userData,
        serviceAccount,
        publicAddress: address.address,
      }),
      { ...opts, ignoreChanges: vmIgnoreChanges },
    ),
  );

  return {
    instance,
    address,
    serviceAccount,
    secretAccess,
    publicAddress: address.address,
    privateAddress: instance.networkInterfaces.apply((nics) => nics[0]?.networkIp ?? ""),
  };
}
