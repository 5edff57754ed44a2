import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../tools/offline/run";
import { unpackUserData, userDataLimit } from "../../components/node";
import { A, all, grants, idOf, inlinePolicies, nodeInstances, one, policyOf, regionOf, runAws, vmPolicy, type Run } from "./aws-support";

/** The account the mock runtime's getCallerIdentity answers. */
const account = "123456789012";
const region = { virginia: "us-east-1", london: "eu-west-2" } as const;

const tags = (r: RecordedResource) => r.inputs.tags as Record<string, string>;

describe("aws fleet and edge", () => {
  let run: Run;
  let edge: RecordedResource;
  beforeAll(async () => {
    run = await runAws({
      "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 4, size: "medium", diskGb: 30 },
      "portage:edge": { size: "small" },
    });
    edge = one(run, A.instance, "edge");
  });

  it("node and edge instance types come from the portable sizes (medium: t3.large, small: t3.small)", () => {
    const nodes = nodeInstances(run);
    expect(nodes).toHaveLength(8);
    for (const n of nodes) expect(n.inputs.instanceType).toBe("t3.large");
    expect(edge.inputs.instanceType).toBe("t3.small");
  });

  it("each node runs in its own region, in that region's node subnets and node security group", () => {
    for (const n of nodeInstances(run)) {
      const key = n.name.split("-")[1] as keyof typeof region;
      expect(regionOf(run, n)).toBe(region[key]);
      expect(String(n.inputs.subnetId)).toMatch(new RegExp(`^network-${key}-nodes-[123]-id$`));
      expect(n.inputs.vpcSecurityGroupIds).toEqual([idOf(`network-${key}-node`)]);
    }
  });

  it("nodes have no public address (CKV_AWS_88); the edges' Elastic IPs (one per region) are the stack's only public addresses", () => {
    for (const n of nodeInstances(run)) {
      expect(n.inputs.associatePublicIpAddress).toBe(false);
      expect(String(n.inputs.subnetId)).not.toContain("public");
    }
    const addresses = all(run, A.eip).map((e) => e.name);
    expect(addresses.filter((n) => !n.endsWith("-nat-address"))).toEqual(["edge-address", "edge-london-1-address"]);
  });

  it("nodes spread over the zones round-robin, by their index in the region", () => {
    const subnetOf = (name: string) => one(run, A.instance, `fleet-${name}`).inputs.subnetId;
    expect(["virginia-1", "virginia-2", "virginia-3", "virginia-4"].map(subnetOf)).toEqual(
      ["nodes-1", "nodes-2", "nodes-3", "nodes-1"].map((s) => idOf(`network-virginia-${s}`)),
    );
    expect(subnetOf("london-2")).toBe(idOf("network-london-nodes-2"));
  });

  it("every VM requires IMDSv2 tokens with a hop limit of 1 (CKV_AWS_79)", () => {
    for (const vm of all(run, A.instance)) {
      expect(vm.inputs.metadataOptions, vm.name).toEqual({
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      });
    }
  });

  it("every root volume is encrypted gp3 (CKV_AWS_8); nodes get fleet.diskGb; volumes carry the stack's tags", () => {
    for (const vm of all(run, A.instance)) {
      expect(vm.inputs.rootBlockDevice, vm.name).toMatchObject({ volumeType: "gp3", encrypted: true, deleteOnTermination: true });
      expect(vm.inputs.volumeTags).toMatchObject({ "portage-stack": "hello-dev", "portage-production": "false" });
    }
    for (const n of nodeInstances(run)) expect((n.inputs.rootBlockDevice as { volumeSize: number }).volumeSize).toBe(30);
  });

  it("Ubuntu 24.04 LTS amd64 from Canonical, looked up once per region; a newer image never replaces a running VM", () => {
    const lookups = run.invokes.filter((i) => i.token === "aws:ec2/getAmi:getAmi");
    // One per fleet region, shared by its edge and its nodes.
    expect(lookups).toHaveLength(2);
    for (const l of lookups) {
      expect(l.inputs).toMatchObject({ owners: ["099720109477"], mostRecent: true });
      expect(l.inputs.filters).toEqual(
        expect.arrayContaining([
          { name: "name", values: ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"] },
          { name: "architecture", values: ["x86_64"] },
        ]),
      );
    }
    for (const vm of all(run, A.instance)) expect(vm.options.ignoreChanges, vm.name).toContain("ami");
    const amis = new Set(nodeInstances(run).map((n) => `${regionOf(run, n)} ${String(n.inputs.ami)}`));
    expect(amis.size).toBe(2);
  });

  it("VMs boot from gzipped cloud-init user-data within AWS's 16 KB, and a changed user-data replaces the VM instead of rebooting it for nothing", () => {
    for (const vm of all(run, A.instance)) {
      expect(vm.inputs.userData).toBeUndefined();
      const packed = String(vm.inputs.userDataBase64);
      expect(Buffer.from(packed, "base64").length).toBeLessThanOrEqual(userDataLimit);
      expect(unpackUserData(packed)).toMatch(/^#cloud-config\n/);
      expect(vm.inputs.userDataReplaceOnChange).toBe(true);
    }
  });

  it("each node has its own role, with its one policy inline, and its own instance profile", () => {
    for (const n of nodeInstances(run)) {
      const id = n.name;
      const role = one(run, A.role, `${id}-role`);
      const profile = one(run, A.profile, `${id}-profile`);
      expect(Object.keys(inlinePolicies(role))).toEqual(["portage"]);
      expect(String(profile.inputs.role)).toMatch(new RegExp(`^${id}-role-`));
      expect(profile.options.dependsOn).toContain(role.urn);
      expect(String(n.inputs.iamInstanceProfile)).toMatch(new RegExp(`^${id}-profile-`));
      expect(n.options.dependsOn).toContain(profile.urn);
    }
    expect(all(run, A.role)).toHaveLength(9);
    expect(all(run, A.profile)).toHaveLength(9);
  });

  it("a node's policy reads the bucket and the stack's SSM parameters, nothing else (least privilege)", () => {
    const bucket = `arn:aws:s3:::${run.outputs?.bucketName}`;
    for (const n of nodeInstances(run)) {
      const doc = vmPolicy(one(run, A.role, `${n.name}-role`));
      expect(doc.Version).toBe("2012-10-17");
      expect(grants(doc)).toEqual(
        [
          `s3:GetObject ${bucket}/*`,
          `s3:ListBucket ${bucket}`,
          // Secrets live in the primary region, whichever region the node is in.
          `ssm:GetParameter arn:aws:ssm:us-east-1:${account}:parameter/portage/hello-dev/*`,
          `ssm:GetParameters arn:aws:ssm:us-east-1:${account}:parameter/portage/hello-dev/*`,
        ].sort(),
      );
      expect(doc.Statement.every((s) => s.Effect === "Allow" && !JSON.stringify(s).includes('"*"'))).toBe(true);
    }
  });

  it("roles can be assumed by EC2 only, and live under the stack's IAM path", () => {
    for (const role of all(run, A.role)) {
      expect(policyOf(role, "assumeRolePolicy")).toEqual({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      });
      expect(role.inputs.path).toBe("/portage/hello-dev/");
    }
  });

  it("the edge boots on its own network interface in the primary public subnet, its Elastic IP already attached", () => {
    const eni = one(run, A.eni, "edge-interface");
    expect(regionOf(run, eni)).toBe("us-east-1");
    expect(eni.inputs).toMatchObject({ subnetId: idOf("network-virginia-public"), securityGroups: [idOf("network-virginia-edge")] });
    expect(one(run, A.eip, "edge-address").inputs.domain).toBe("vpc");
    const association = one(run, A.eipAssociation, "edge-address-association");
    expect(association.inputs).toMatchObject({ networkInterfaceId: idOf("edge-interface") });
    expect(edge.inputs.primaryNetworkInterface).toEqual({ networkInterfaceId: idOf("edge-interface") });
    expect(edge.options.dependsOn).toContain(association.urn);
    // The interface serves one instance at a time: a replacement stops the old edge first.
    expect(edge.options.deleteBeforeReplace).toBe(true);
  });

  it("the edge's policy reads the edge admin password and nothing else", () => {
    expect(grants(vmPolicy(one(run, A.role, "edge-role")))).toEqual([
      `ssm:GetParameter arn:aws:ssm:us-east-1:${account}:parameter/portage/hello-dev/EDGE_ADMIN_PASSWORD`,
    ]);
    expect(edge.inputs.iamInstanceProfile).toMatch(/^edge-profile-/);
  });

  it("VMs carry their role tag; nodes are named after the stack and node", () => {
    expect(tags(edge)).toEqual({ Name: "hello-dev-edge", "portage-role": "edge" });
    expect(tags(one(run, A.instance, "fleet-london-3"))).toEqual({ Name: "hello-dev-london-3", "portage-role": "node" });
  });

  it("outputs: the edge address is its Elastic IP, each node's address its instance's private address", () => {
    expect(run.outputs?.edgeAddress).toMatch(/^198\.51\.100\.\d+$/);
    expect(run.outputs?.nodes.map((n) => n.name)).toEqual(nodeInstances(run).map((n) => n.name.replace(/^fleet-/, "")));
    for (const n of run.outputs?.nodes ?? []) expect(n.privateAddress).toMatch(/^10\.\d+\.\d+\.\d+$/);
  });
});
