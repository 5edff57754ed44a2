import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../tools/offline/run";
import { fakeAddress } from "../../tools/offline/mocks";
import { unpackUserData } from "../../components/node";
import { writtenFiles } from "../artifacts/support/user-data";
import { A, idOf, regionOf, runAws, vmPolicy } from "./aws-support";
import { at, runGcp, T } from "./gcp-support";
import { all, one, reveal, type Run } from "../support/stack";

/**
 * Regional edges (issue 14): every fleet region gets an edge; each edge serves its own region's
 * nodes and keeps the others as backups; several HAProxy edges with a domain share one certificate
 * that the primary's edge renews.
 */
const twoRegions = { "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 2 } };
const withDomain = { "portage:edge": { kind: "haproxy", domain: "app.example.com", acmeEmail: "ops@example.com" } };
const certificateKey = "edge/tls/app.example.com.pem";
const command = "command:remote:Command";

/** The settings file cloud-init writes on an edge, from its user-data (aws `userDataBase64`, gzipped; gcp metadata `user-data`). */
function edgeSettings(vm: RecordedResource): string {
  const data = vm.type === A.instance ? unpackUserData(String(reveal(vm.inputs.userDataBase64))) : at(vm, "metadata", "user-data");
  const files = writtenFiles(String(reveal(data)));
  return files.find((f) => f.path === "/etc/portage/edge.env")?.content ?? "";
}

/** `server` lines of an HAProxy routes push, by server name: whether each is a backup. */
function servers(routes: RecordedResource): Record<string, { address: string; backup: boolean }> {
  const lines = String(reveal(routes.inputs.stdin))
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

function acmeServer(routes: RecordedResource): string | undefined {
  return /server certbot (\S+)/.exec(String(reveal(routes.inputs.stdin)))?.[1];
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
    const home = servers(one(run, command, "release-edge-routes"));
    const london = servers(one(run, command, "release-edge-routes-london-1"));
    expect(Object.keys(home)).toHaveLength(8);
    for (const [name, s] of Object.entries(home)) expect(s.backup, name).toBe(name.startsWith("london"));
    for (const [name, s] of Object.entries(london)) expect(s.backup, name).toBe(name.startsWith("virginia"));
  });

  it("the london edge sends ACME challenges to the renewer (the primary's edge) on 8888", () => {
    expect(acmeServer(one(run, command, "release-edge-routes-london-1"))).toBe(`${fakeAddress("edge")}:8888`);
    expect(acmeServer(one(run, command, "release-edge-routes"))).toBe("127.0.0.1:8888");
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
    expect(vmPolicy(one(run, A.role, "edge-role")).Statement.map((s) => s.Sid)).toEqual(["ReadEdgeAdminPassword"]);
    expect(
      all(run, command)
        .filter((r) => r.name.startsWith("release-edge-routes"))
        .map((r) => r.name),
    ).toEqual(["release-edge-routes"]);
    expect(Object.values(servers(one(run, command, "release-edge-routes"))).some((s) => s.backup)).toBe(false);
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
    const london = servers(one(run, command, "release-edge-routes-london-1"));
    expect(Object.keys(london)).toHaveLength(8);
    for (const [name, s] of Object.entries(london)) expect(s.backup, name).toBe(name.startsWith("virginia"));
  });

  it("the edges share the certificate: the primary renews, a firewall rule lets edges reach its 8888", () => {
    expect(edgeSettings(one(run, T.instance, "edge-vm"))).toContain('CERT_RENEWER="true"');
    const rule = one(run, T.firewall, "network-edge-acme");
    expect(rule.inputs).toMatchObject({ direction: "INGRESS", sourceTags: ["hello-dev-edge"], targetTags: ["hello-dev-edge"] });
    expect(at(rule, "allows", 0, "ports")).toEqual(["8888"]);
  });

  it("the edges' service account gets the certificate's object only (an IAM condition on its name)", () => {
    const member = one(run, "gcp:storage/bucketIAMMember:BucketIAMMember", "edge-certificate-access");
    expect(member.inputs.role).toBe("roles/storage.objectUser");
    expect(String(at(member, "condition", "expression"))).toMatch(
      new RegExp(`^resource\\.name == "projects/_/buckets/[^/]+/objects/${certificateKey.replace(/\./g, "\\.")}"$`),
    );
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
    expect(all(run, "gcp:storage/bucketIAMMember:BucketIAMMember")).toEqual([]);
    expect(all(run, T.firewall).filter((r) => r.name === "network-edge-acme")).toEqual([]);
  });
});
