import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../tools/offline/run";
import { fakeAddress } from "../../tools/offline/mocks";
import { unpackUserData } from "../../components/node";
import { writtenFiles } from "../artifacts/support/user-data";
import { A, idOf, regionOf, runAws, vmPolicy } from "./aws-support";
import { at, runGcp, T } from "./gcp-support";
import { all, one, reveal, type Run } from "../support/stack";
import { passthroughProbeRanges } from "../../components/edge/gcp-balancer";
import * as ipaddr from "ipaddr.js";

/** Whether the CIDR `outer` holds every address of `inner`. */
function contains(outer: string, inner: string): boolean {
  const [network, prefix] = ipaddr.parseCIDR(inner);
  const [outerNetwork, outerPrefix] = ipaddr.parseCIDR(outer);
  return network.kind() === outerNetwork.kind() && outerPrefix <= prefix && network.match(outerNetwork, outerPrefix);
}

/**
 * Regional edges (issue 14): every fleet region gets an edge; each edge serves its own region's
 * nodes and keeps the others as backups; several HAProxy edges with a domain share one certificate
 * that the primary's edge renews.
 */
const twoRegions = { "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 2 } };
const withDomain = { "portage:edge": { kind: "haproxy", domain: "app.example.com", acmeEmail: "ops@example.com" } };
const certificateKey = "edge/tls/app.example.com.pem";
const command = "pulumi-nodejs:dynamic/rollout:AgentCommand";
const objectTypes = ["aws:s3/bucketObjectv2:BucketObjectv2", "gcp:storage/bucketObject:BucketObject"];

/** The settings file cloud-init writes on an edge, from its user-data (aws `userDataBase64`, gzipped; gcp metadata `user-data`). */
function edgeSettings(vm: RecordedResource): string {
  const data = vm.type === A.instance ? unpackUserData(String(reveal(vm.inputs.userDataBase64))) : at(vm, "metadata", "user-data");
  const files = writtenFiles(String(reveal(data)));
  return files.find((f) => f.path === "/etc/portage/edge.env")?.content ?? "";
}

/** An edge's routes as its agent applies them: the bucket object `<command>-file` (gcp's content is a secret). */
function routes(run: Run, name: string): string {
  const files = run.resources.filter((r) => objectTypes.includes(r.type) && r.name === `${name}-file`);
  expect(files, `${name}-file`).toHaveLength(1);
  const content = reveal(files[0]?.inputs.content) as { secret?: unknown } | string;
  return String(typeof content === "object" && content !== null ? content.secret : content);
}

/** `server` lines of an HAProxy routes file, by server name: whether each is a backup. */
function servers(text: string): Record<string, { address: string; backup: boolean }> {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("server ") && !l.startsWith("server certbot"));
  return Object.fromEntries(
    lines.map((l) => {
      const [, name = "", address = ""] = l.split(/\s+/);
      return [name, { address, backup: / backup\b/.test(l) }];
    }),
  );
}

/** The IAM member of a service account, by its resource name. */
function memberOf(run: Run, account: string): string {
  return `serviceAccount:${String(one(run, T.account, account).inputs.accountId)}@p.iam.gserviceaccount.com`;
}

function acmeServer(text: string): string | undefined {
  return /server certbot (\S+)/.exec(text)?.[1];
}

describe("aws: an edge in every fleet region", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runAws({ ...twoRegions, ...withDomain });
  });

  it("one edge VM per region, each in its own region; the primary's keeps the names it always had", () => {
    const edges = all(run, A.instance).filter((r) => r.name.startsWith("edge"));
    expect(edges.map((e) => [e.name, regionOf(run, e)])).toEqual([
      ["edge", "us-east-1"],
      ["edge-london-1", "eu-west-2"],
    ]);
    expect(one(run, A.eni, "edge-interface").inputs.subnetId).toBe(idOf("network-virginia-public"));
    expect(one(run, A.eni, "edge-london-1-interface").inputs).toMatchObject({
      subnetId: idOf("network-london-public"),
      securityGroups: [idOf("network-london-edge")],
    });
    const address = one(run, A.eip, "edge-london-1-address");
    expect(regionOf(run, address)).toBe("eu-west-2");
    expect(run.outputs?.edges?.map((e) => [e.name, e.region])).toEqual([
      ["virginia-1", "us-east-1"],
      ["london-1", "eu-west-2"],
    ]);
  });

  it("edge.<zone> lists every edge's private address (deploys drain on each)", () => {
    expect(one(run, A.record, "dns-edge").inputs.records).toEqual([fakeAddress("edge"), fakeAddress("edge-london-1")]);
  });

  it("each edge's routes serve its own region's nodes and keep the other region's as backups", () => {
    const home = servers(routes(run, "release-edge-routes"));
    const london = servers(routes(run, "release-edge-routes-london-1"));
    expect(Object.keys(home)).toHaveLength(8);
    for (const [name, s] of Object.entries(home)) expect(s.backup, name).toBe(name.startsWith("london"));
    for (const [name, s] of Object.entries(london)) expect(s.backup, name).toBe(name.startsWith("virginia"));
  });

  it("every edge has its own agent: its name in its settings, its own routes object and job, a role for its own inbox and results", () => {
    const bucket = `arn:aws:s3:::${run.outputs?.bucketName}`;
    for (const agent of ["edge", "edge-london-1"]) {
      expect(edgeSettings(one(run, A.instance, agent))).toContain(`AGENT_NAME="${agent}"`);
      const job = one(run, command, agent === "edge" ? "release-edge-routes" : "release-edge-routes-london-1");
      expect(reveal(job.inputs)).toMatchObject({ agent, argv: ["portage-edge-apply"], stdinKey: `edge/routes/${agent}.cfg` });
      const statements = vmPolicy(one(run, A.role, `${agent}-role`)).Statement;
      expect(statements.find((s) => s.Sid === "WriteOwnResults")).toMatchObject({
        Action: "s3:PutObject",
        Resource: `${bucket}/agents/results/${agent}/*`,
      });
      expect(statements.find((s) => s.Sid === "ReadAgentWork")?.Resource).toContain(`${bucket}/agents/inbox/${agent}.json`);
    }
  });

  it("the london edge sends ACME challenges to the renewer (the primary's edge) on 8888", () => {
    expect(acmeServer(routes(run, "release-edge-routes-london-1"))).toBe(`${fakeAddress("edge")}:8888`);
    expect(acmeServer(routes(run, "release-edge-routes"))).toBe("127.0.0.1:8888");
  });

  it("the primary's edge renews the shared certificate, the london edge loads it from the bucket", () => {
    const primary = edgeSettings(one(run, A.instance, "edge"));
    const london = edgeSettings(one(run, A.instance, "edge-london-1"));
    expect(primary).toContain(`CERT_KEY="${certificateKey}"`);
    expect(primary).toContain('CERT_RENEWER="true"');
    expect(london).toContain('CERT_RENEWER="false"');
  });

  it("the certificate's key: edges read and write it, nodes are denied it", () => {
    const key = expect.stringMatching(new RegExp(`^arn:aws:s3:::[^/]+/${certificateKey.replace(/\./g, "\\.")}$`));
    const edgeStatement = vmPolicy(one(run, A.role, "edge-role")).Statement.find((s) => s.Sid === "SharedCertificate");
    expect(edgeStatement).toMatchObject({ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: key });
    for (const role of all(run, A.role).filter((r) => r.name.startsWith("fleet-"))) {
      const deny = vmPolicy(role).Statement.find((s) => s.Effect === "Deny");
      expect(deny, role.name).toMatchObject({ Action: "s3:GetObject", Resource: key });
    }
  });

  it("security groups: every edge reaches every region's nodes, nodes reach every edge's admin API, edges reach the renewer's 8888", () => {
    const ingress = all(run, A.ingress);
    const egress = all(run, A.egress);
    const rule = (list: RecordedResource[], name: string) => one({ resources: list }, list[0]?.type ?? "", name).inputs;
    const londonPublic = "10.122.0.0/24";
    const virginiaPublic = "10.100.0.0/24";
    // Virginia's nodes from london's edge (across the peering: its public subnet), london's from its own group.
    expect(rule(ingress, "network-virginia-node-in-app-4000-from-edge-london")).toMatchObject({ cidrIpv4: londonPublic });
    expect(rule(ingress, "network-london-node-in-app-4000-from-edge-london")).toMatchObject({
      referencedSecurityGroupId: idOf("network-london-edge"),
    });
    // The primary's edge keeps its rules' names.
    expect(rule(ingress, "network-london-node-in-app-4000-from-edge")).toMatchObject({ cidrIpv4: virginiaPublic });
    expect(rule(egress, "network-virginia-node-out-edge-london-admin")).toMatchObject({ cidrIpv4: londonPublic, fromPort: 8404 });
    expect(rule(ingress, "network-london-edge-in-admin-from-virginia")).toMatchObject({ fromPort: 8404 });
    expect(rule(ingress, "network-virginia-edge-in-acme-from-edge-london")).toMatchObject({ cidrIpv4: londonPublic, fromPort: 8888 });
    expect(rule(egress, "network-london-edge-out-acme-to-renewer")).toMatchObject({ cidrIpv4: virginiaPublic, fromPort: 8888 });
    // Only the bastion SSHes to nodes.
    expect(egress.filter((r) => r.name.startsWith("network-london-edge-out-ssh"))).toEqual([]);
  });
});

describe("aws: a single-region stack keeps its one edge as it was", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runAws(withDomain);
  });

  it("one edge, no shared certificate, one routes push without regions", () => {
    expect(
      all(run, A.instance)
        .filter((r) => r.name.startsWith("edge"))
        .map((r) => r.name),
    ).toEqual(["edge"]);
    expect(edgeSettings(one(run, A.instance, "edge"))).not.toContain("CERT_KEY");
    expect(vmPolicy(one(run, A.role, "edge-role")).Statement.map((s) => s.Sid)).toEqual([
      "ReadEdgeAdminPassword",
      "ReadAgentWork",
      "WriteOwnResults",
    ]);
    expect(
      all(run, command)
        .filter((r) => r.name.startsWith("release-edge-routes"))
        .map((r) => r.name),
    ).toEqual(["release-edge-routes"]);
    expect(Object.values(servers(routes(run, "release-edge-routes"))).some((s) => s.backup)).toBe(false);
    expect(all(run, A.ingress).filter((r) => r.name.includes("acme"))).toEqual([]);
  });
});

describe("gcp: an edge in every fleet region", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runGcp({ ...twoRegions, ...withDomain });
  });

  it("one edge VM per region, in a zone of its region, with a static address there", () => {
    const edges = all(run, T.instance).filter((r) => r.name.startsWith("edge"));
    expect(edges.map((e) => e.name)).toEqual(["edge-vm", "edge-london-1-vm"]);
    expect(String(at(one(run, T.instance, "edge-london-1-vm"), "zone"))).toMatch(/^europe-west2-/);
    expect(String(at(one(run, T.instance, "edge-vm"), "zone"))).toMatch(/^us-east4-/);
    expect(at(one(run, T.address, "edge-london-1-address"), "region")).toBe("europe-west2");
    expect(at(one(run, T.instance, "edge-london-1-vm"), "networkInterfaces", 0, "subnetwork")).toBe(idOf("network-london"));
  });

  it("edge.<zone> lists every edge's private address", () => {
    expect(at(one(run, T.record, "dns-edge"), "rrdatas")).toHaveLength(2);
  });

  it("each edge's routes serve its own region's nodes and keep the other region's as backups", () => {
    const london = servers(routes(run, "release-edge-routes-london-1"));
    expect(Object.keys(london)).toHaveLength(8);
    for (const [name, s] of Object.entries(london)) expect(s.backup, name).toBe(name.startsWith("virginia"));
  });

  it("the edges share the certificate: the primary renews, a firewall rule lets edges reach its 8888", () => {
    expect(edgeSettings(one(run, T.instance, "edge-vm"))).toContain('CERT_RENEWER="true"');
    const rule = one(run, T.firewall, "network-edge-acme");
    expect(rule.inputs).toMatchObject({ direction: "INGRESS", sourceTags: ["hello-dev-edge"], targetTags: ["hello-dev-edge"] });
    expect(at(rule, "allows", 0, "ports")).toEqual(["8888"]);
  });

  it("each edge's service account gets the certificate's object only (an IAM condition on its name)", () => {
    for (const edge of ["edge", "edge-london-1"]) {
      const member = one(run, "gcp:storage/bucketIAMMember:BucketIAMMember", `${edge}-certificate-access`);
      expect(member.inputs.role).toBe("roles/storage.objectUser");
      expect(member.inputs.member).toBe(memberOf(run, `${edge}-identity`));
      expect(String(at(member, "condition", "expression"))).toMatch(
        new RegExp(`^resource\\.name == "projects/_/buckets/[^/]+/objects/${certificateKey.replace(/\./g, "\\.")}"$`),
      );
    }
  });

  it("every edge has its own agent: its own service account, its name in its settings, its own results folder and routes job", () => {
    for (const agent of ["edge", "edge-london-1"]) {
      const vm = one(run, T.instance, `${agent}-vm`);
      expect(edgeSettings(vm)).toContain(`AGENT_NAME="${agent}"`);
      expect(`serviceAccount:${String(at(vm, "serviceAccount", "email"))}`).toBe(memberOf(run, `${agent}-identity`));
      const folder = one(run, "gcp:storage/managedFolderIamMember:ManagedFolderIamMember", `${agent}-results`);
      expect(folder.inputs).toMatchObject({ managedFolder: `agents/results/${agent}/`, member: memberOf(run, `${agent}-identity`) });
      const job = one(run, command, agent === "edge" ? "release-edge-routes" : "release-edge-routes-london-1");
      expect(reveal(job.inputs)).toMatchObject({ agent, stdinKey: `edge/routes/${agent}.cfg` });
    }
    expect(memberOf(run, "edge-london-1-identity")).not.toBe(memberOf(run, "edge-identity"));
  });
});

describe("gcp: a single-region stack keeps its one edge as it was", () => {
  it("one edge, no certificate grant, no edge-to-edge rule", async () => {
    const run = await runGcp(withDomain);
    expect(
      all(run, T.instance)
        .filter((r) => r.name.startsWith("edge"))
        .map((r) => r.name),
    ).toEqual(["edge-vm"]);
    expect(all(run, "gcp:storage/bucketIAMMember:BucketIAMMember").map((r) => r.name)).toEqual(["edge-agent-read"]);
    expect(all(run, T.firewall).filter((r) => r.name === "network-edge-acme")).toEqual([]);
  });
});

const pairs = { "portage:edge": { ...withDomain["portage:edge"], count: 2 } };
const nlb = {
  lb: "aws:lb/loadBalancer:LoadBalancer",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  attachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  listener: "aws:lb/listener:Listener",
};

describe("aws: an edge pair per region behind its Network Load Balancer (edge.count 2)", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runAws({ ...twoRegions, ...pairs });
  });

  it("two edges per region, each in its own zone's public subnet", () => {
    const edges = all(run, A.instance).filter((r) => r.name.startsWith("edge"));
    expect(edges.map((e) => [e.name, regionOf(run, e)])).toEqual([
      ["edge", "us-east-1"],
      ["edge-virginia-2", "us-east-1"],
      ["edge-london-1", "eu-west-2"],
      ["edge-london-2", "eu-west-2"],
    ]);
    expect(one(run, A.eni, "edge-virginia-2-interface").inputs.subnetId).toBe(idOf("network-virginia-public-2"));
    const second = one(run, A.subnet, "network-virginia-public-2");
    expect(second.inputs.cidrBlock).toBe("10.100.1.0/24");
    // Different zone slots: the mock's zone lookup answers a, b, c.
    expect(second.inputs.availabilityZone).not.toBe(one(run, A.subnet, "network-virginia-public").inputs.availabilityZone);
  });

  it("a Network Load Balancer per region: internet-facing, cross-zone, an Elastic IP per edge zone", () => {
    const balancers = all(run, nlb.lb);
    expect(balancers.map((b) => [b.name, regionOf(run, b)])).toEqual([
      ["edge-virginia-balancer", "us-east-1"],
      ["edge-london-balancer", "eu-west-2"],
    ]);
    const lb = one(run, nlb.lb, "edge-virginia-balancer");
    expect(lb.inputs).toMatchObject({ loadBalancerType: "network", internal: false, enableCrossZoneLoadBalancing: true });
    expect(lb.inputs.subnetMappings).toEqual([
      { subnetId: idOf("network-virginia-public"), allocationId: expect.stringMatching(/^eipalloc-/) },
      { subnetId: idOf("network-virginia-public-2"), allocationId: expect.stringMatching(/^eipalloc-/) },
    ]);
    expect(String(lb.inputs.name)).toMatch(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/);
    // Its name and Elastic IPs cannot be shared with a replacement: the old one goes first.
    expect(lb.options.deleteBeforeReplace).toBe(true);
  });

  it("TCP 80 and 443 to target groups of both edges, client IP kept, the fastest health check NLB allows", () => {
    const groups = all(run, nlb.targetGroup).filter((g) => regionOf(run, g) === "us-east-1");
    expect(groups.map((g) => g.inputs.port)).toEqual([80, 443]);
    for (const g of groups) {
      expect(g.inputs).toMatchObject({
        protocol: "TCP",
        targetType: "instance",
        preserveClientIp: "true",
        vpcId: idOf("network-virginia-vpc"),
      });
      // NLB minimums: interval 5 s, timeout 2 s, thresholds 2 (docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html).
      expect(g.inputs.healthCheck).toMatchObject({ protocol: "TCP", interval: 5, timeout: 2, healthyThreshold: 2, unhealthyThreshold: 2 });
      expect(String(g.inputs.name).length).toBeLessThanOrEqual(32);
    }
    const attached = all(run, nlb.attachment).filter((a) => regionOf(run, a) === "us-east-1");
    expect(attached.map((a) => [a.inputs.port, a.inputs.targetId]).sort()).toEqual(
      [
        [80, idOf("edge")],
        [80, idOf("edge-virginia-2")],
        [443, idOf("edge")],
        [443, idOf("edge-virginia-2")],
      ].sort(),
    );
    const listeners = all(run, nlb.listener).filter((l) => regionOf(run, l) === "us-east-1");
    expect(listeners.map((l) => [l.inputs.port, l.inputs.protocol])).toEqual([
      [80, "TCP"],
      [443, "TCP"],
    ]);
  });

  it("each region's entry is its balancer's addresses; the app's URL and PHX_HOST stay the domain", () => {
    const entries = run.outputs?.entries ?? [];
    expect(entries.map((e) => [e.key, e.balanced, e.addresses.length])).toEqual([
      ["virginia", true, 2],
      ["london", true, 2],
    ]);
    expect(run.outputs?.url).toBe("https://app.example.com");
  });

  it("the pair's second edge sends ACME challenges to the renewer, reachable within its own security group", () => {
    expect(acmeServer(routes(run, "release-edge-routes-virginia-2"))).toBe(`${fakeAddress("edge")}:8888`);
    expect(one(run, A.ingress, "network-virginia-edge-in-acme-from-edge").inputs).toMatchObject({
      referencedSecurityGroupId: idOf("network-virginia-edge"),
      fromPort: 8888,
    });
    // Other regions reach the pair's nodes from the whole public range (both edge subnets).
    expect(one(run, A.ingress, "network-virginia-node-in-app-4000-from-edge-london").inputs).toMatchObject({ cidrIpv4: "10.122.0.0/22" });
  });

  it("without a domain, the app's URL is the primary region's balancer", async () => {
    const plain = await runAws({ ...twoRegions, "portage:edge": { count: 2 } });
    const entry = plain.outputs?.entries[0]?.addresses[0];
    expect(entry).toMatch(/^198\.51\.100\.\d+$/);
    expect(plain.outputs?.url).toBe(`http://${entry}`);
    expect(entry).not.toBe(plain.outputs?.edgeAddress);
  });
});

describe("gcp: an edge pair per region behind its passthrough Network Load Balancer (edge.count 2)", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runGcp({ ...twoRegions, ...pairs });
  });

  it("two edges per region in two zones", () => {
    const zoneOf = (name: string) => String(at(one(run, T.instance, name), "zone"));
    expect(zoneOf("edge-vm")).toBe("us-east4-a");
    expect(zoneOf("edge-virginia-2-vm")).toBe("us-east4-b");
    expect(zoneOf("edge-london-2-vm")).toMatch(/^europe-west2-/);
    expect(zoneOf("edge-london-2-vm")).not.toBe(zoneOf("edge-london-1-vm"));
  });

  it("a backend service with a TCP health check every second, an instance group per edge, a static address, one forwarding rule for 80 and 443", () => {
    const health = one(run, "gcp:compute/regionHealthCheck:RegionHealthCheck", "edge-virginia-balancer-health");
    // GCP's minimums: 1 s interval, timeout <= interval (cloud.google.com/load-balancing/docs/health-check-concepts).
    expect(health.inputs).toMatchObject({
      region: "us-east4",
      checkIntervalSec: 1,
      timeoutSec: 1,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
    });
    expect(at(health, "tcpHealthCheck", "port")).toBe(80);
    const groups = all(run, "gcp:compute/instanceGroup:InstanceGroup").filter((g) => g.name.startsWith("edge-virginia-balancer"));
    expect(groups.map((g) => g.inputs.zone)).toEqual(["us-east4-a", "us-east4-b"]);
    const backends = one(run, "gcp:compute/regionBackendService:RegionBackendService", "edge-virginia-balancer-backends");
    expect(backends.inputs).toMatchObject({ region: "us-east4", loadBalancingScheme: "EXTERNAL", protocol: "TCP" });
    expect(backends.inputs.healthChecks).toBe(health.inputs.id ?? idOf("edge-virginia-balancer-health"));
    expect((backends.inputs.backends as unknown[]).length).toBe(2);
    const rule = one(run, "gcp:compute/forwardingRule:ForwardingRule", "edge-virginia-balancer-web");
    expect(rule.inputs).toMatchObject({ region: "us-east4", ipProtocol: "TCP", ports: ["80", "443"], loadBalancingScheme: "EXTERNAL" });
    const address = one(run, T.address, "edge-virginia-balancer-address");
    expect(address.inputs).toMatchObject({ region: "us-east4", addressType: "EXTERNAL" });
    expect(rule.inputs.ipAddress).toBe(run.outputs?.entries[0]?.addresses[0]);
  });

  it("each edge's group is a CONNECTION backend without capacity settings, drained for 30 s (what a passthrough backend service takes)", () => {
    const backends = one(run, "gcp:compute/regionBackendService:RegionBackendService", "edge-virginia-balancer-backends");
    // A passthrough balancer does not use capacity: the provider refuses capacityScaler on a
    // non-managed backend service (hashicorp/terraform-provider-google#10837).
    expect(backends.inputs.backends).toEqual([
      { group: idOf("edge-virginia-balancer-edge-1"), balancingMode: "CONNECTION" },
      { group: idOf("edge-virginia-balancer-edge-2"), balancingMode: "CONNECTION" },
    ]);
    expect(backends.inputs.portName).toBeUndefined();
    expect(backends.inputs.connectionDrainingTimeoutSec).toBe(30);
    const groups = all(run, "gcp:compute/instanceGroup:InstanceGroup").filter((g) => g.name.startsWith("edge-virginia-balancer"));
    expect(groups.map((g) => (g.inputs.instances as string[]).length)).toEqual([1, 1]);
  });

  it("the firewall lets the balancer's health-check probers reach the checked port on every edge", () => {
    const port = Number(
      at(one(run, "gcp:compute/regionHealthCheck:RegionHealthCheck", "edge-virginia-balancer-health"), "tcpHealthCheck", "port"),
    );
    const edgeTag = (at(one(run, T.instance, "edge-vm"), "tags") as string[])[0];
    const admits = (range: string) =>
      all(run, T.firewall).some((rule) => {
        const i = rule.inputs as {
          direction?: string;
          targetTags?: string[];
          sourceRanges?: string[];
          allows?: { protocol: string; ports?: string[] }[];
        };
        return (
          i.direction === "INGRESS" &&
          (i.targetTags ?? []).includes(String(edgeTag)) &&
          (i.sourceRanges ?? []).some((source) => contains(source, range)) &&
          (i.allows ?? []).some((a) => a.protocol === "tcp" && (a.ports ?? []).includes(String(port)))
        );
      });
    expect(passthroughProbeRanges.filter((range) => !admits(range))).toEqual([]);
  });

  it("each region's entry is its balancer's one address", () => {
    expect((run.outputs?.entries ?? []).map((e) => [e.key, e.balanced, e.addresses.length])).toEqual([
      ["virginia", true, 1],
      ["london", true, 1],
    ]);
  });
});

describe("edge.count defaults and limits", () => {
  it("production stacks get a pair per region, others one edge", async () => {
    const prod = await runGcp({ "portage:production": true });
    expect(
      all(prod, T.instance)
        .filter((r) => r.name.startsWith("edge"))
        .map((r) => r.name),
    ).toEqual(["edge-vm", "edge-virginia-2-vm"]);
  });
});
