import { describe, expect, it } from "vitest";
import { dnsNameProblem, nameProblem, rules, type NameRule } from "../../components/names";
import type { RecordedResource } from "../../tools/offline/run";
import { runTwoFootprints } from "../support/footprints";
import { access, validConfig } from "../support/stack";

/**
 * Extreme but valid configs: the longest app name, a 40-character stack name with dots and capitals,
 * ten regions of three nodes, production (final snapshots, protection), a domain; on each cloud as the
 * serving footprint and as the one beside it. Every name, label and tag a cloud would see must pass
 * that cloud's rule (components/names/rules.ts, each citing its documentation).
 */
const app = "a_thirty_character_release_nam";
const stack = "Feature.Branch-2026.Team_Web.UPPER.Case1";
const regions = ["virginia", "ohio", "oregon", "california", "montreal", "sao-paulo", "london", "frankfurt", "paris", "stockholm"];

/** What Pulumi's auto-naming adds to a logical name: a dash and seven random hex characters. */
const autoName = (r: RecordedResource) => `${r.name}-0a1b2c3`;

type Check = [value: unknown, rule: NameRule | "dns"];
const labels = (value: unknown): Check[] =>
  Object.entries((value ?? {}) as Record<string, unknown>).flatMap(([k, v]): Check[] => [
    [k, rules.gcpLabelKey],
    [v, rules.gcpLabelValue],
  ]);
const tags = (value: unknown): Check[] =>
  Object.entries((value ?? {}) as Record<string, unknown>).flatMap(([k, v]): Check[] => [
    [k, rules.awsTagKey],
    [v, rules.awsTagValue],
  ]);
const json = (text: unknown) => (typeof text === "string" ? (JSON.parse(text) as Record<string, unknown>) : {});

/** The names of a recorded resource and the rule each must pass. */
function checks(r: RecordedResource): Check[] {
  const i = r.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const byType: Record<string, () => Check[]> = {
    "pulumi:providers:aws": () => tags(json(i.defaultTags).tags),
    "pulumi:providers:gcp": () => labels(json(i.defaultLabels)),
    "aws:ssm/parameter:Parameter": () => [[i.name, rules.ssmParameterName]],
    "aws:s3/bucket:Bucket": () => [[i.bucketPrefix, rules.s3BucketPrefix]],
    "aws:rds/instance:Instance": () => [
      [autoName(r), rules.rdsInstanceIdentifier],
      [i.finalSnapshotIdentifier, rules.rdsSnapshotIdentifier],
      [i.username, rules.rdsMasterUsername],
      [i.dbName, rules.rdsDatabaseName],
    ],
    "aws:rds/parameterGroup:ParameterGroup": () => [[autoName(r), rules.rdsGroupName]],
    "aws:rds/subnetGroup:SubnetGroup": () => [[autoName(r), rules.rdsGroupName]],
    "aws:iam/role:Role": () => [
      [autoName(r), rules.iamName],
      [i.path, rules.iamPath],
    ],
    "aws:iam/instanceProfile:InstanceProfile": () => [
      [autoName(r), rules.iamInstanceProfileName],
      [i.path, rules.iamPath],
    ],
    "aws:ec2/securityGroup:SecurityGroup": () => [
      [autoName(r), rules.securityGroupName],
      [i.description, rules.securityGroupDescription],
    ],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": () => [[i.description, rules.securityGroupRuleDescription]],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": () => [[i.description, rules.securityGroupRuleDescription]],
    "aws:lb/loadBalancer:LoadBalancer": () => [[i.name, rules.elbName]],
    "aws:lb/targetGroup:TargetGroup": () => [[i.name, rules.elbName]],
    "aws:route53/zone:Zone": () => [[i.name, "dns"]],
    "aws:route53/record:Record": () => [[i.name, "dns"]],
    "gcp:secretmanager/secret:Secret": () => [[i.secretId, rules.secretManagerId]],
    "gcp:serviceaccount/account:Account": () => [[i.accountId, rules.gcpServiceAccountId]],
    "gcp:compute/firewall:Firewall": () => [
      [autoName(r), rules.gcpResourceName],
      ...[...(i.targetTags ?? []), ...(i.sourceTags ?? [])].map((tag): Check => [tag, rules.gcpResourceName]),
    ],
    "gcp:compute/instance:Instance": () => [
      [autoName(r), rules.gcpResourceName],
      ...(i.tags as string[]).map((tag): Check => [tag, rules.gcpResourceName]),
      ...labels(i.bootDisk?.initializeParams?.labels),
    ],
    "gcp:sql/databaseInstance:DatabaseInstance": () => [[autoName(r), rules.cloudSqlInstanceName], ...labels(i.settings?.userLabels)],
    "gcp:sql/user:User": () => [[i.name, rules.postgresIdentifier]],
    "gcp:sql/database:Database": () => [[i.name, rules.postgresIdentifier]],
    "gcp:storage/bucket:Bucket": () => [[autoName(r), rules.gcsBucketName]],
    "gcp:dns/managedZone:ManagedZone": () => [
      [autoName(r), rules.cloudDnsZoneName],
      [i.dnsName, "dns"],
    ],
    "gcp:dns/recordSet:RecordSet": () => [[i.name, "dns"]],
    "gcp:projects/iAMMember:IAMMember": () => [[i.condition?.title, rules.iamConditionTitle]],
  };
  const own = byType[r.type]?.() ?? [];
  const computeNamed =
    /^gcp:compute\/(network|subnetwork|router|routerNat|address|globalAddress|healthCheck|regionHealthCheck|instanceGroup|regionBackendService|forwardingRule):/.test(
      r.type,
    );
  return [
    ...own,
    ...(computeNamed ? [[autoName(r), rules.gcpResourceName] as Check] : []),
    ...(r.type.startsWith("aws:") ? [...tags(i.tags), ...tags(i.volumeTags)] : []),
    ...(r.type.startsWith("gcp:") && r.type !== "gcp:compute/instance:Instance" ? labels(i.labels) : []),
  ];
}

function problems(resources: RecordedResource[]): string[] {
  return resources.flatMap((r) =>
    checks(r).flatMap(([value, rule]) => {
      const problem = rule === "dns" ? dnsNameProblem(String(value)) : nameProblem(rule, String(value));
      return problem ? [`${r.type} ${r.name}: ${problem}`] : [];
    }),
  );
}

describe.each([
  ["aws", "gcp"],
  ["gcp", "aws"],
] as const)("extreme names: %s serving, %s beside it", async (serving, other) => {
  const run = await runTwoFootprints(other, {
    stackName: stack,
    overrides: validConfig({
      "portage:provider": serving,
      "portage:production": true,
      "portage:app": { name: app },
      "portage:fleet": { regions, nodesPerRegion: 3 },
      "portage:edge": { domain: "app.example.com", acmeEmail: "ops@example.com" },
      "portage:database": { replicas: regions.slice(1) },
      "portage:access": { ...access, adminCidrs: ["203.0.113.0/24"] },
    }),
  });

  it("evaluates: 30 nodes and an edge pair per region (production: 20) on each cloud", () => {
    expect(run.error).toBeUndefined();
    const vms = run.resources.filter((r) => r.type === "aws:ec2/instance:Instance" || r.type === "gcp:compute/instance:Instance");
    expect(vms).toHaveLength(2 * (30 + 20));
  });

  it("every name, label and tag passes its cloud's rule", () => {
    const checked = run.resources.flatMap(checks);
    expect(checked.length).toBeGreaterThan(1000);
    expect(problems(run.resources)).toEqual([]);
  });
});

describe("the rules catch the names the clouds refuse", () => {
  it.each(
    (
      [
        [rules.gcpLabelValue, "feature.branch-2026"],
        [rules.gcpLabelValue, "x".repeat(64)],
        [rules.secretManagerId, "hello-feature.branch-database-url"],
        [rules.rdsMasterUsername, app],
        [rules.s3BucketPrefix, "xn--app-dev-"],
        [rules.gcpServiceAccountId, "hello"],
        [rules.iamName, "x".repeat(65)],
        [rules.rdsSnapshotIdentifier, "hello--final"],
        [rules.elbName, "x".repeat(33)],
        [rules.elbName, "internal-hello-dev"],
      ] as const
    ).map(([rule, name]) => ({ what: rule.what, rule: rule as NameRule, name })),
  )("$what: $name is refused, with the rule's source", ({ rule, name }) => {
    expect(nameProblem(rule, name)).toContain(rule.doc);
  });

  it("a DNS name with a label over 63 characters, or one starting with a dash, is refused", () => {
    expect(dnsNameProblem(`${"a".repeat(64)}.hello.internal`)).toBeDefined();
    expect(dnsNameProblem("-dev.hello.internal")).toBeDefined();
    expect(dnsNameProblem("dev.hello.internal")).toBeUndefined();
  });
});
