import { resourcePolicy } from "./define";
import { isEdge, shown, type Labels } from "./facts";

export const gcpInstance = "gcp:compute/instance:Instance";

export interface GcpInstanceProps {
  serviceAccount?: { email?: string; scopes?: string[] };
  shieldedInstanceConfig?: { enableSecureBoot?: boolean; enableVtpm?: boolean; enableIntegrityMonitoring?: boolean };
  metadata?: Record<string, string>;
  networkInterfaces?: { accessConfigs?: { natIp?: string }[]; ipv6AccessConfigs?: { networkTier: string }[] }[];
  labels?: Labels;
}

/** The Compute Engine default service account: `<project number>-compute@developer.gserviceaccount.com`. */
export function isDefaultServiceAccount(email: string | undefined): boolean {
  return email === undefined || email === "" || email === "default" || /-compute@developer\.gserviceaccount\.com$/.test(email);
}

const fullScope = ["https://www.googleapis.com/auth/cloud-platform", "cloud-platform"];

export const gcpInstanceOwnServiceAccount = resourcePolicy<GcpInstanceProps>({
  name: "gcp-instance-own-service-account",
  description: "VMs run as their own least-privilege service account, never the Compute Engine default one (Checkov CKV_GCP_30).",
  severity: "high",
  remediationSteps: "Create a gcp.serviceaccount.Account per role and set serviceAccount.email to it.",
  types: [gcpInstance],
  validate: (props, _args, report) => {
    const account = props.serviceAccount;
    if (account && isDefaultServiceAccount(account.email)) {
      report(
        `serviceAccount.email is ${shown(account.email)}, the Compute Engine default service account (project Editor); give the VM its own service account with only the roles it needs.`,
      );
    }
  },
});

export const gcpInstanceNoFullScopeDefaultAccount = resourcePolicy<GcpInstanceProps>({
  name: "gcp-instance-no-full-scope-default-account",
  description: "No VM runs the default service account with the full cloud-platform scope (Checkov CKV_GCP_31).",
  severity: "critical",
  remediationSteps: "Use a dedicated service account (its IAM roles then bound what the cloud-platform scope allows).",
  types: [gcpInstance],
  validate: (props, _args, report) => {
    const account = props.serviceAccount;
    if (account && isDefaultServiceAccount(account.email) && (account.scopes ?? []).some((s) => fullScope.includes(s))) {
      report(
        "serviceAccount is the default service account with the cloud-platform scope: every API the project's Editor role reaches; use a dedicated service account.",
      );
    }
  },
});

export const gcpInstanceShieldedVm = resourcePolicy<GcpInstanceProps>({
  name: "gcp-instance-shielded-vm",
  description: "VMs boot as Shielded VMs: secure boot, vTPM and integrity monitoring (Checkov CKV_GCP_39).",
  severity: "medium",
  remediationSteps:
    "Set shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true } (on a Shielded-VM image such as Ubuntu 24.04).",
  types: [gcpInstance],
  validate: (props, _args, report) => {
    const shielded = props.shieldedInstanceConfig ?? {};
    if (shielded.enableSecureBoot !== true)
      report(
        `shieldedInstanceConfig.enableSecureBoot is ${shown(shielded.enableSecureBoot)}; set it to true so only signed boot code runs.`,
      );
    // vTPM and integrity monitoring default to on: only an explicit false turns them off.
    if (shielded.enableVtpm === false) report("shieldedInstanceConfig.enableVtpm is false; leave it on.");
    if (shielded.enableIntegrityMonitoring === false) report("shieldedInstanceConfig.enableIntegrityMonitoring is false; leave it on.");
  },
});

export const gcpInstanceBlockProjectSshKeys = resourcePolicy<GcpInstanceProps>({
  name: "gcp-instance-block-project-ssh-keys",
  description: "Project-wide SSH keys cannot log in to the VMs (Checkov CKV_GCP_32).",
  severity: "high",
  remediationSteps: 'Set metadata "block-project-ssh-keys": "true"; the operator key comes from portage:access.sshPublicKey.',
  types: [gcpInstance],
  validate: (props, _args, report) => {
    const value = props.metadata?.["block-project-ssh-keys"];
    if (value?.toLowerCase() !== "true") {
      report(`metadata block-project-ssh-keys is ${shown(value)}; set it to "true" so keys added to the project cannot log in to this VM.`);
    }
  },
});

export const gcpInstanceSerialPortOff = resourcePolicy<GcpInstanceProps>({
  name: "gcp-instance-serial-port-off",
  description: "The interactive serial console is off on every VM (Checkov CKV_GCP_35).",
  severity: "high",
  remediationSteps: 'Set metadata "serial-port-enable": "false".',
  types: [gcpInstance],
  validate: (props, _args, report) => {
    const value = props.metadata?.["serial-port-enable"];
    // Explicit, because project metadata would otherwise decide: the instance's value wins over the project's.
    if (value === undefined || !["false", "0"].includes(value.toLowerCase())) {
      report(`metadata serial-port-enable is ${shown(value)}; set it to "false" so a project-wide setting cannot open the serial console.`);
    }
  },
});

export const gcpInstanceNoPublicIp = resourcePolicy<GcpInstanceProps>({
  name: "gcp-instance-no-public-ip",
  description: "Only the edge (label portage-role=edge) has an external address; nodes are private (Checkov CKV_GCP_40).",
  severity: "critical",
  remediationSteps: "Remove accessConfigs from the node's network interfaces; nodes reach the internet through Cloud NAT.",
  types: [gcpInstance],
  validate: (props, _args, report) => {
    if (isEdge(props)) return;
    for (const [i, nic] of (props.networkInterfaces ?? []).entries()) {
      if ((nic.accessConfigs ?? []).length > 0 || (nic.ipv6AccessConfigs ?? []).length > 0) {
        report(
          `networkInterfaces[${i}] has an external address (accessConfigs) on a VM that is not the edge (portage-role=edge); nodes stay private.`,
        );
      }
    }
  },
});
