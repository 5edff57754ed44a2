import { allPorts, isAllProtocols, type Labels, type PortRange } from "./facts";

export const securityGroup = "aws:ec2/securityGroup:SecurityGroup";
export const securityGroupRule = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const ingressRule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
export const egressRule = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
export const ruleTypes = [securityGroup, securityGroupRule, ingressRule, egressRule] as const;

/** An inline rule of aws.ec2.SecurityGroup (`ingress` / `egress`). */
export interface InlineRule {
  protocol?: string;
  fromPort?: number;
  toPort?: number;
  cidrBlocks?: string[];
  ipv6CidrBlocks?: string[];
  description?: string;
}

export interface SecurityGroupProps {
  description?: string;
  ingress?: InlineRule[];
  egress?: InlineRule[];
  tags?: Labels;
}

/** aws.ec2.SecurityGroupRule */
export interface SecurityGroupRuleProps extends InlineRule {
  type?: string;
  securityGroupId?: string;
}

/** aws.vpc.SecurityGroupIngressRule / SecurityGroupEgressRule */
export interface VpcRuleProps {
  ipProtocol?: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  description?: string;
  securityGroupId?: string;
  tags?: Labels;
}

/** One rule, whichever resource declared it. */
export interface Rule {
  direction: "ingress" | "egress";
  protocol: string;
  ports: PortRange;
  cidrs: string[];
  description?: string;
  /** Where the user finds it: `ingress[2]` for inline rules, empty for rule resources. */
  at: string;
}

/** Every rule a security-group resource declares, normalised; other types have none. */
export function rulesOf(type: string, props: Record<string, unknown>): Rule[] {
  if (type === securityGroup) {
    const group = props as SecurityGroupProps;
    return [
      ...(group.ingress ?? []).map((r, i) => inline(r, "ingress", `ingress[${i}]`)),
      ...(group.egress ?? []).map((r, i) => inline(r, "egress", `egress[${i}]`)),
    ];
  }
  if (type === securityGroupRule) {
    const rule = props as SecurityGroupRuleProps;
    return [inline(rule, rule.type === "egress" ? "egress" : "ingress", "")];
  }
  if (type === ingressRule || type === egressRule) {
    const rule = props as VpcRuleProps;
    const protocol = rule.ipProtocol ?? "-1";
    return [
      {
        direction: type === ingressRule ? "ingress" : "egress",
        protocol,
        ports: portsOf(protocol, rule.fromPort, rule.toPort),
        cidrs: [rule.cidrIpv4, rule.cidrIpv6].filter((c): c is string => typeof c === "string" && c !== ""),
        description: rule.description,
        at: "",
      },
    ];
  }
  return [];
}

function inline(rule: InlineRule, direction: Rule["direction"], at: string): Rule {
  const protocol = rule.protocol ?? "-1";
  return {
    direction,
    protocol,
    ports: portsOf(protocol, rule.fromPort, rule.toPort),
    cidrs: [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])],
    description: rule.description,
    at,
  };
}

function portsOf(protocol: string, from?: number, to?: number): PortRange {
  if (isAllProtocols(protocol) || from === undefined || to === undefined) return allPorts;
  if (from === -1 || to === -1) return allPorts;
  return { from, to };
}

/** "ingress[2] (tcp 22)" or "the rule (tcp 22)": how a message names a rule. */
export function ruleLabel(rule: Rule): string {
  const what = isAllProtocols(rule.protocol)
    ? "all traffic"
    : `${rule.protocol} ${rule.ports.from === rule.ports.to ? rule.ports.from : `${rule.ports.from}-${rule.ports.to}`}`;
  return `${rule.at || "the rule"} (${what})`;
}
