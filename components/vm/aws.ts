import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** What every AWS VM shares, the edge and the nodes alike: the image and the hardening. */

/** Canonical's account: the publisher of the official Ubuntu images. */
export const canonicalOwner = "099720109477";
export const ubuntuImageName = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*";

const images = new WeakMap<aws.Provider, pulumi.Output<string>>();

/** The newest Ubuntu 24.04 LTS amd64 image of the provider's region: one lookup per region, shared by the edges and the nodes. */
export function ubuntuImage(provider: aws.Provider, parent: pulumi.Resource): pulumi.Output<string> {
  const found = images.get(provider) ?? lookUpImage(provider, parent);
  images.set(provider, found);
  return found;
}

function lookUpImage(provider: aws.Provider, parent: pulumi.Resource): pulumi.Output<string> {
  return aws.ec2
    .getAmiOutput(
      {
        owners: [canonicalOwner],
        mostRecent: true,
        filters: [
          { name: "name", values: [ubuntuImageName] },
          { name: "architecture", values: ["x86_64"] },
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
