import { resourcePolicy, stackPolicy } from "./define";
import { isEdge, shown, type Labels } from "./facts";
import { relatedResource } from "./stack";

export const awsInstance = "aws:ec2/instance:Instance";
const eip = "aws:ec2/eip:Eip";
const eipAssociation = "aws:ec2/eipAssociation:EipAssociation";
const subnet = "aws:ec2/subnet:Subnet";

export interface AwsInstanceProps {
  associatePublicIpAddress?: boolean;
  metadataOptions?: { httpTokens?: string; httpPutResponseHopLimit?: number; httpEndpoint?: string };
  rootBlockDevice?: { encrypted?: boolean };
  ebsBlockDevices?: { deviceName?: string; encrypted?: boolean }[];
  tags?: Labels;
}

export const awsInstanceImdsv2 = resourcePolicy<AwsInstanceProps>({
  name: "aws-instance-imdsv2",
  description: "EC2 instances accept IMDSv2 only, with a hop limit of 1 (Checkov CKV_AWS_79).",
  severity: "high",
  remediationSteps: 'Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }.',
  types: [awsInstance],
  validate: (props, _args, report) => {
    const options = props.metadataOptions ?? {};
    if (options.httpEndpoint === "disabled") return; // no metadata service at all: nothing to steal
    if (options.httpTokens !== "required") {
      report(
        `metadataOptions.httpTokens is ${shown(options.httpTokens)}; set it to "required" so only IMDSv2 answers and a request forged through the app cannot read the instance's credentials.`,
      );
    }
    if (options.httpPutResponseHopLimit !== 1) {
      report(
        `metadataOptions.httpPutResponseHopLimit is ${shown(options.httpPutResponseHopLimit)}; set it to 1 so the metadata token never leaves the instance (no container or forwarded hop can fetch it).`,
      );
    }
  },
});

export const awsInstanceEncryptedDisks = resourcePolicy<AwsInstanceProps>({
  name: "aws-instance-encrypted-disks",
  description: "EC2 root and attached EBS volumes are encrypted at rest (Checkov CKV_AWS_8).",
  severity: "high",
  remediationSteps: "Set rootBlockDevice.encrypted: true (and encrypted: true on every ebsBlockDevices entry).",
  types: [awsInstance],
  validate: (props, _args, report) => {
    if (props.rootBlockDevice?.encrypted !== true) {
      report(
        `rootBlockDevice.encrypted is ${shown(props.rootBlockDevice?.encrypted)}; set it to true so the root volume and its snapshots are encrypted.`,
      );
    }
    for (const [i, disk] of (props.ebsBlockDevices ?? []).entries()) {
      if (disk.encrypted !== true) report(`ebsBlockDevices[${i}] (${disk.deviceName ?? "?"}) is not encrypted; set encrypted: true.`);
    }
  },
});

export const awsInstanceNoPublicIp = resourcePolicy<AwsInstanceProps>({
  name: "aws-instance-no-public-ip",
  description: "Only the edge (portage-role=edge) has a public address; nodes are private (Checkov CKV_AWS_88).",
  severity: "critical",
  remediationSteps: "Remove associatePublicIpAddress (or set it to false); reach nodes through the edge (ssh -J).",
  types: [awsInstance],
  validate: (props, _args, report) => {
    if (props.associatePublicIpAddress === true && !isEdge(props)) {
      report(
        "associatePublicIpAddress is true on an instance that is not the edge (portage-role=edge); nodes stay private and are reached through the edge.",
      );
    }
  },
});

interface EipProps {
  instance?: string;
  tags?: Labels;
}
interface EipAssociationProps {
  instanceId?: string;
}
export interface SubnetProps {
  mapPublicIpOnLaunch?: boolean;
}

/**
 * The other ways an instance gets a public address: an Elastic IP attached to it, or a subnet that
 * hands one to every instance launched in it.
 */
export const awsPublicAddressOnlyOnEdge = stackPolicy({
  name: "aws-public-address-only-on-edge",
  description: "Elastic IPs and auto-assigned public addresses reach the edge instance only (Checkov CKV_AWS_88).",
  severity: "critical",
  remediationSteps: "Attach Elastic IPs to the edge only; launch nodes in private subnets (or set associatePublicIpAddress: false).",
  types: [eip, eipAssociation, awsInstance, subnet],
  validate: (args, report) => {
    for (const resource of args.resources) {
      if (resource.type === awsInstance) {
        const props = resource.props as AwsInstanceProps & { subnetId?: string };
        if (isEdge(props) || props.associatePublicIpAddress === false) continue;
        const home = relatedResource(resource, "subnetId", props.subnetId, args.resources, [subnet]);
        if ((home?.props as SubnetProps | undefined)?.mapPublicIpOnLaunch === true) {
          report(
            `${resource.name} is launched in subnet ${home?.name}, which gives every instance a public address; nodes go in private subnets.`,
            resource.urn,
          );
        }
        continue;
      }
      const key = resource.type === eip ? "instance" : resource.type === eipAssociation ? "instanceId" : undefined;
      if (!key) continue;
      const props = resource.props as EipProps & EipAssociationProps;
      const id = key === "instance" ? props.instance : props.instanceId;
      if (!id) continue; // not attached to an instance (e.g. a NAT gateway's address)
      const instance = relatedResource(resource, key, id, args.resources, [awsInstance]);
      if (!instance) {
        report(
          `${resource.name} attaches a public address to instance ${id}, which is not in this stack; attach it to the edge only.`,
          resource.urn,
        );
      } else if (!isEdge(instance.props as AwsInstanceProps)) {
        report(
          `${resource.name} gives instance ${instance.name} a public address, but only the edge (portage-role=edge) may have one.`,
          resource.urn,
        );
      }
    }
  },
});
