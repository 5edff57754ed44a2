import { resourcePolicy } from "./define";
import { allPorts, covers, describePorts, isTcp, isWorld, onlyWeb, type PortRange } from "./facts";

export const gcpFirewall = "gcp:compute/firewall:Firewall";

export interface GcpFirewallProps {
  description?: string;
  direction?: string;
  disabled?: boolean;
  sourceRanges?: string[];
  sourceTags?: string[];
  sourceServiceAccounts?: string[];
  targetTags?: string[];
  targetServiceAccounts?: string[];
  allows?: { protocol: string; ports?: string[] }[];
}

interface Allowed {
  protocol: string;
  ports: PortRange;
}

/** An enabled ingress rule whose source is the whole internet (gcp's default when no source is set). */
function fromWorld(props: GcpFirewallProps): string | undefined {
  if ((props.direction ?? "INGRESS") !== "INGRESS" || props.disabled === true) return undefined;
  const world = (props.sourceRanges ?? []).filter(isWorld);
  if (world.length > 0) return world.join(", ");
  const noSource = !props.sourceRanges?.length && !props.sourceTags?.length && !props.sourceServiceAccounts?.length;
  return noSource ? "anywhere (no source set: gcp then allows 0.0.0.0/0)" : undefined;
}

function allowed(props: GcpFirewallProps): Allowed[] {
  return (props.allows ?? []).flatMap((allow) =>
    allow.ports?.length
      ? allow.ports.map((p) => ({ protocol: allow.protocol, ports: range(p) }))
      : [{ protocol: allow.protocol, ports: allPorts }],
  );
}

function range(port: string): PortRange {
  const [from, to] = port.split("-").map(Number);
  return { from: from ?? 0, to: to ?? from ?? 65535 };
}

function label(a: Allowed): string {
  return a.protocol === "all" ? "all traffic" : `${a.protocol} ${describePorts(a.ports)}`;
}

export const gcpNoSshFromInternet = resourcePolicy<GcpFirewallProps>({
  name: "gcp-no-ssh-from-internet",
  description: "No firewall rule lets SSH (22) in from 0.0.0.0/0 (Checkov CKV_GCP_2).",
  severity: "critical",
  remediationSteps: "Allow 22 to the edge's tag from portage:access.adminCidrs only; nodes take SSH from the edge's tag.",
  types: [gcpFirewall],
  validate: (props, _args, report) => {
    const world = fromWorld(props);
    if (!world) return;
    for (const a of allowed(props)) {
      if ((isTcp(a.protocol) || a.protocol === "all") && covers(a.ports, 22)) {
        report(
          `allows ${label(a)} from ${world}, which lets SSH in from the internet; SSH reaches the edge from portage:access.adminCidrs only.`,
        );
      }
    }
  },
});

export const gcpNoWorldIngressButWebToEdge = resourcePolicy<GcpFirewallProps>({
  name: "gcp-no-world-ingress-but-web-to-edge",
  description: "Nothing is open to 0.0.0.0/0 but TCP 80 and 443, and only to the edge's network tag (<prefix>-edge).",
  severity: "critical",
  remediationSteps: "Narrow sourceRanges (or use sourceTags), and target the edge's tag only.",
  types: [gcpFirewall],
  validate: (props, _args, report) => {
    const world = fromWorld(props);
    if (!world) return;
    for (const a of allowed(props)) {
      if (!(isTcp(a.protocol) && onlyWeb(a.ports)))
        report(`allows ${label(a)} from ${world}; only TCP 80 and 443 on the edge may be reached from the internet.`);
    }
    const targets = props.targetTags ?? [];
    if (props.targetServiceAccounts?.length || targets.length === 0 || targets.some((t) => !t.endsWith("-edge"))) {
      const to = targets.length
        ? `network tags ${targets.join(", ")}`
        : props.targetServiceAccounts?.length
          ? "service accounts"
          : "every VM in the network (no targetTags)";
      report(`is open to ${world} and applies to ${to}; a rule open to the internet targets the edge's tag (<prefix>-edge) only.`);
    }
  },
});

export const gcpFirewallRulesDescribed = resourcePolicy<GcpFirewallProps>({
  name: "gcp-firewall-rules-described",
  description: "Every firewall rule says what it lets in and why.",
  severity: "low",
  remediationSteps: "Set description on the rule.",
  types: [gcpFirewall],
  validate: (props, _args, report) => {
    if (!props.description?.trim()) report("has no description; say what the rule lets in, from where and why.");
  },
});
