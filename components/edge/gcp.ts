import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { createVmIdentity, grantSecretAccess, projectNumber, secretCondition } from "../identity/gcp";
import { stackTags } from "../names";
import { edgeSecretEnv } from "../secrets/names";
import { transform, type Transform } from "../transform";
import { hardenedVm, regionZones, ubuntuImage, vmIgnoreChanges, zoneAt } from "../vm/gcp";
import type { EdgeAddresses, EdgeInputs } from "./types";

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
export function createEdge(
  name: string,
  args: EdgeInputs<"gcp"> & { userData: string },
  t: GcpEdgeTransforms = {},
  parent: pulumi.Resource,
): GcpEdge {
  const { spec, cloud } = args;
  const network = args.network.handle;
  const providers = args.providers.handle;
  const opts = { parent, provider: providers.provider };
  const primary = cloud.primary;

  const serviceAccount = createVmIdentity(
    `${name}-identity`,
    { spec, providers, id: "edge", what: "the edge", transform: t.serviceAccount },
    opts,
  );
  // By name: the secret is written after the edge exists (PHX_HOST is the edge's address).
  const secretAccess = grantSecretAccess(
    `${name}-secret-access`,
    {
      providers,
      member: serviceAccount.member,
      condition: secretCondition(spec, projectNumber(providers, parent), edgeSecretEnv, "edge"),
      transform: t.secretAccess,
    },
    opts,
  );

  const address = new gcp.compute.Address(
    ...transform(
      t.address,
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
      t.instance,
      `${name}-vm`,
      hardenedVm({
        role: "edge",
        labels: stackTags(spec, "gcp"),
        description: `portage ${spec.prefix}: the edge (${spec.edge.kind}), SSH bastion`,
        zone: regionZones(providers, primary.region, { type: cloud.edge.machineType, key: "portage:edge.size" }, parent).apply((zones) =>
          zoneAt(zones, 0),
        ),
        machineType: cloud.edge.machineType,
        image: ubuntuImage(providers, parent, cloud.edge.machineType),
        diskGb: edgeDiskGb,
        subnet: network.primary.subnet,
        networkTag: network.edgeTag,
        userData: args.userData,
        serviceAccount,
        publicAddress: address.address,
      }),
      // The firewall and the grant on its secret exist before the edge's first boot.
      { ...opts, ignoreChanges: vmIgnoreChanges, dependsOn: [...network.firewalls, secretAccess] },
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
