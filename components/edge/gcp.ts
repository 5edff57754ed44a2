import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { edgesShareCertificate, type RegionSpec } from "../config";
import { createVmIdentity, grantSecretAccess, projectNumber, secretCondition } from "../identity/gcp";
import { stackTags } from "../names";
import { edgeSecretEnv } from "../secrets/names";
import { transform, type Transform } from "../transform";
import { hardenedVm, regionZones, ubuntuImage, vmIgnoreChanges, zoneAt } from "../vm/gcp";
import { createBalancer, type GcpBalancer, type GcpBalancerTransforms } from "./gcp-balancer";
import { edgeMemberName, sharedCertificateKey } from "./names";
import type { EdgeInputs, EdgeMember, EdgeUserData } from "./types";

/** Per-resource escape hatches for the gcp edge (see components/transform.ts). */
export interface GcpEdgeTransforms extends GcpBalancerTransforms {
  address?: Transform<gcp.compute.AddressArgs>;
  instance?: Transform<gcp.compute.InstanceArgs>;
  serviceAccount?: Transform<gcp.serviceaccount.AccountArgs>;
  secretAccess?: Transform<gcp.projects.IAMMemberArgs>;
  /** Edges sharing a certificate: their access to its bucket object. */
  certificateAccess?: Transform<gcp.storage.BucketIAMMemberArgs>;
}

export interface GcpEdge extends EdgeMember {
  instance: gcp.compute.Instance;
  address: gcp.compute.Address;
}

export interface GcpEdges {
  /** Every edge, region by region (`cloud.edges` order). */
  members: GcpEdge[];
  /** The passthrough Network Load Balancer of each region with several edges. */
  balancers: (GcpBalancer & { region: RegionSpec<"gcp"> })[];
  /** One service account for every edge. */
  serviceAccount: gcp.serviceaccount.Account;
  secretAccess: gcp.projects.IAMMember;
  /** Edges sharing a certificate: get, create and delete on that one object. */
  certificateAccess?: gcp.storage.BucketIAMMember;
}

/** Boot disk of the edge: the OS, HAProxy or Traefik and logs. */
const edgeDiskGb = 20;

/**
 * The edges: a VM in each fleet region's subnet, in the region's first zone; the only VMs with a
 * public address (a static one, kept across VM replacements). One service account for all: reads the
 * edge admin password and, when the edges share a certificate, that one bucket object.
 */
export function createEdge(
  name: string,
  args: EdgeInputs<"gcp"> & { userData: EdgeUserData },
  t: GcpEdgeTransforms = {},
  parent: pulumi.Resource,
): GcpEdges {
  const { spec, cloud } = args;
  const network = args.network.handle;
  const providers = args.providers.handle;
  const opts = { parent, provider: providers.provider };

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
  // storage.objectUser holds get, create and delete (a put that replaces the object needs delete);
  // the condition narrows it to the certificate's object (IAM conditions on Cloud Storage need uniform
  // bucket-level access, which the bucket has: cloud.google.com/storage/docs/access-control/iam#conditions).
  const certificateAccess = edgesShareCertificate(spec, cloud)
    ? new gcp.storage.BucketIAMMember(
        ...transform(
          t.certificateAccess,
          `${name}-certificate-access`,
          {
            bucket: args.bucket.handle.bucket.name,
            role: "roles/storage.objectUser",
            member: serviceAccount.member,
            condition: {
              title: "shared-edge-certificate",
              description: "The edges' shared TLS certificate only",
              expression: pulumi.interpolate`resource.name == "projects/_/buckets/${args.bucket.handle.bucket.name}/objects/${sharedCertificateKey(spec)}"`,
            },
          },
          opts,
        ),
      )
    : undefined;

  const members = cloud.edges.map((edge): GcpEdge => {
    const id = edgeMemberName(name, edge);
    const subnet = network.regions.find((r) => r.region.region === edge.region.region)?.subnet;
    if (!subnet) throw new Error(`edge ${edge.name}: no subnet in ${edge.region.region}`);
    const address = new gcp.compute.Address(
      ...transform(
        t.address,
        `${id}-address`,
        {
          description: edge.first
            ? `portage ${spec.prefix}: the edge's public address`
            : `portage ${spec.prefix}: edge ${edge.name}'s public address`,
          region: edge.region.region,
          addressType: "EXTERNAL",
          networkTier: "PREMIUM",
        },
        opts,
      ),
    );
    const instance = new gcp.compute.Instance(
      ...transform(
        t.instance,
        `${id}-vm`,
        hardenedVm({
          role: "edge",
          labels: stackTags(spec, "gcp"),
          description: edge.first
            ? `portage ${spec.prefix}: the edge (${spec.edge.kind}), SSH bastion`
            : `portage ${spec.prefix}: edge ${edge.name} (${spec.edge.kind})`,
          zone: regionZones(providers, edge.region.region, { type: cloud.edge.machineType, key: "portage:edge.size" }, parent).apply(
            (zones) => zoneAt(zones, edge.index),
          ),
          machineType: cloud.edge.machineType,
          image: ubuntuImage(providers, parent, cloud.edge.machineType),
          diskGb: edgeDiskGb,
          subnet,
          networkTag: network.edgeTag,
          userData: args.userData(edge),
          serviceAccount,
          publicAddress: address.address,
        }),
        // The firewall and the grants its first boot uses (its secret, the shared certificate) exist first.
        {
          ...opts,
          ignoreChanges: vmIgnoreChanges,
          dependsOn: [...network.firewalls, secretAccess, ...(certificateAccess ? [certificateAccess] : [])],
        },
      ),
    );
    return {
      spec: edge,
      instance,
      address,
      publicAddress: address.address,
      privateAddress: instance.networkInterfaces.apply((nics) => nics[0]?.networkIp ?? ""),
    };
  });
  // A region with several edges gets its passthrough Network Load Balancer: the region's public entry.
  const balancers = cloud.regions.flatMap((region) => {
    const group = members.filter((m) => m.spec.region.region === region.region);
    if (group.length < 2) return [];
    const balancer = createBalancer(`${name}-${region.key}-balancer`, { spec, region, instances: group.map((m) => m.instance) }, t, opts);
    return [{ region, ...balancer }];
  });
  return { members, balancers, serviceAccount, secretAccess, ...(certificateAccess ? { certificateAccess } : {}) };
}
