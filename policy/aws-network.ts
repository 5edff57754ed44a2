import type { PolicyResource } from "@pulumi/policy";
import {
  ingressRule,
  ruleLabel,
  rulesOf,
  ruleTypes,
  securityGroup,
  securityGroupRule,
  type Rule,
  type SecurityGroupProps,
} from "./aws-rules";
import { resourcePolicy, stackPolicy } from "./define";
import { covers, describePorts, isAllProtocols, isEdge, isTcp, isWorld, onlyWeb } from "./facts";
import { relatedResource } from "./stack";

const worldIngress = (rule: Rule) => rule.direction === "ingress" && rule.cidrs.some(isWorld);
const worldCidrs = (rule: Rule) => rule.cidrs.filter(isWorld).join(", ");
const opensSsh = (rule: Rule) => (isTcp(rule.protocol) || isAllProtocols(rule.protocol)) && covers(rule.ports, 22);
const isWeb = (rule: Rule) => isTcp(rule.protocol) && onlyWeb(rule.ports);

export const awsNoSshFromInternet = resourcePolicy<Record<string, unknown>>({
  name: "aws-no-ssh-from-internet",
  description: "No security group lets SSH (22) in from 0.0.0.0/0 or ::/0 (Checkov CKV_AWS_24).",
  severity: "critical",
  remediationSteps: "Allow 22 to the edge from portage:access.adminCidrs only; nodes take SSH from the edge's group.",
  types: ruleTypes,
  validate: (props, args, report) => {
    for (const rule of rulesOf(args.type, props).filter(worldIngress).filter(opensSsh)) {
      report(`${ruleLabel(rule)} lets SSH in from ${worldCidrs(rule)}; SSH reaches the edge from portage:access.adminCidrs only.`);
    }
  },
});

export const awsNoWorldIngressButWeb = resourcePolicy<Record<string, unknown>>({
  name: "aws-no-world-ingress-but-web",
  description: "Nothing is open to 0.0.0.0/0 or ::/0 but TCP 80 and 443 (the edge's web ports).",
  severity: "critical",
  remediationSteps: "Narrow the rule's source to a CIDR you own or to another security group.",
  types: ruleTypes,
  validate: (props, args, report) => {
    for (const rule of rulesOf(args.type, props).filter(worldIngress)) {
      if (isWeb(rule)) continue;
      report(
        `${ruleLabel(rule)} opens ${describePorts(rule.ports)} to ${worldCidrs(rule)}; only TCP 80 and 443 on the edge may be reached from the internet.`,
      );
    }
  },
});

export const awsSecurityGroupRulesDescribed = resourcePolicy<Record<string, unknown>>({
  name: "aws-security-group-rules-described",
  description: "Every security group and every rule says what it lets in and why (Checkov CKV_AWS_23).",
  severity: "low",
  remediationSteps: "Give the group and each rule a description (what it lets in, from where, why).",
  types: ruleTypes,
  validate: (props, args, report) => {
    if (args.type === securityGroup) {
      const description = (props as SecurityGroupProps).description;
      if (!description || description === "Managed by Pulumi") {
        report(
          `the security group's description is ${description ? '"Managed by Pulumi" (the default)' : "empty"}; say what the group guards.`,
        );
      }
    }
    for (const rule of rulesOf(args.type, props)) {
      if (!rule.description?.trim()) report(`${ruleLabel(rule)} has no description; say what it lets in and why.`);
    }
  },
});

/** 80/443 may be open to the internet, but only on the edge's security group. */
export const awsWebIngressOnlyOnEdge = stackPolicy({
  name: "aws-web-ingress-only-on-edge",
  description: "Web ports open to the internet belong to the edge's security group (portage-role=edge) only.",
  severity: "critical",
  remediationSteps: "Put public 80/443 rules on the edge's security group; nodes take app traffic from the edge's group.",
  types: [securityGroup, securityGroupRule, ingressRule],
  validate: (args, report) => {
    for (const resource of args.resources) {
      // Other ports open to the internet are reported by aws-no-world-ingress-but-web.
      const open = rulesOf(resource.type, resource.props).filter(worldIngress).filter(isWeb);
      if (open.length === 0) continue;
      const group = groupOf(resource, args.resources);
      if (group && isEdge(group.props as SecurityGroupProps)) continue;
      const where = group
        ? `security group ${group.name}, which is not the edge's (portage-role=edge)`
        : "a security group that is not in this stack";
      for (const rule of open)
        report(`${resource.name}: ${ruleLabel(rule)} opens ${describePorts(rule.ports)} to ${worldCidrs(rule)} on ${where}.`, resource.urn);
    }
  },
});

function groupOf(resource: PolicyResource, resources: readonly PolicyResource[]): PolicyResource | undefined {
  if (resource.type === securityGroup) return resource;
  if (resource.type !== securityGroupRule && resource.type !== ingressRule) return undefined;
  return relatedResource(resource, "securityGroupId", resource.props.securityGroupId, resources, [securityGroup]);
}
