import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { machineArchitecture, type Architecture } from "../config/release-tarball";

/** What every AWS VM shares, the edge and the nodes alike: the image and the hardening. */

/** Canonical's account: the publisher of the official Ubuntu images. */
export const canonicalOwner = "099720109477";
/** Canonical's image names and EC2's architecture names, per CPU (https://documentation.ubuntu.com/aws/aws-how-to/instances/find-ubuntu-images/). */
export const ubuntuImages: Record<Architecture, { name: string; architecture: string }> = {
  x86_64: { name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*", architecture: "x86_64" },
  arm64: { name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-*", architecture: "arm64" },
};

const images = new WeakMap<aws.Provider, Map<Architecture, pulumi.Output<string>>>();

/**
 * The newest Ubuntu 24.04 LTS image of the provider's region for the instance type's CPU (Graviton
 * types get the arm64 image): one lookup per region and CPU, shared by the edges and the nodes.
 */
export function ubuntuImage(provider: aws.Provider, parent: pulumi.Resource, instanceType: string): pulumi.Output<string> {
  const architecture = machineArchitecture("aws", instanceType);
  const byCpu = images.get(provider) ?? new Map<Architecture, pulumi.Output<string>>();
  images.set(provider, byCpu);
  const found = byCpu.get(architecture) ?? lookUpImage(provider, parent, architecture);
  byCpu.set(architecture, found);
  return found;
}

function lookUpImage(provider: aws.Provider, parent: pulumi.Resource, architecture: Architecture): pulumi.Output<string> {
  const image = ubuntuImages[architecture];
  return aws.ec2
    .getAmiOutput(
      {
        owners: [canonicalOwner],
        mostRecent: true,
        filters: [
          { name: "name", values: [image.name] },
          { name: "architecture", values: [image.architecture] },
          { name: "virtualization-type", values: ["hvm"] },
        ],
      },
      { provider, parent },
    )
    .apply((ami) => ami.id);
}

/** IMDSv2 only (CKV_AWS_79); hop limit 1 so that nothing forwarded (a container) reaches the credentials. */
export const metadataOptions: aws.types.input.ec2.InstanceMetadataOptions = {
  httpEndpoint: "enabled",
  httpTokens: "required",
  httpPutResponseHopLimit: 1,
  instanceMetadataTags: "disabled",
};

/** Encrypted gp3 root volume (CKV_AWS_8) with the account's EBS key; `sizeGb` omitted keeps the image's size. */
export function encryptedRoot(sizeGb?: number): aws.types.input.ec2.InstanceRootBlockDevice {
  return { volumeType: "gp3", encrypted: true, deleteOnTermination: true, ...(sizeGb ? { volumeSize: sizeGb } : {}) };
}

/**
 * Options every VM gets. A new Ubuntu image every few weeks must not replace running VMs: the image
 * is read at creation only (replace a VM on purpose to move it to a newer image). A changed user-data
 * replaces the VM rather than rebooting it: cloud-init applies user-data once per instance, so a
 * reboot would change nothing but cost the VM's uptime.
 */
export const vmOptions: Pick<pulumi.CustomResourceOptions, "ignoreChanges"> = { ignoreChanges: ["ami"] };
