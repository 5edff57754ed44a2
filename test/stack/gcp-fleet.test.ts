import { describe, expect, it } from "vitest";
import { machineTypes } from "../../components/config";
import { all, at, nodeInstances, one, runGcp, T } from "./gcp-support";

const serviceAccountIdPattern = /^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/;

describe("gcp fleet and edge VMs", async () => {
  const run = await runGcp({
    "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 3, size: "medium", diskGb: 30 },
    "portage:edge": { size: "large" },
  });
  const nodes = nodeInstances(run);
  const edge = one(run, T.instance, "edge-vm");
  const vms = [...nodes, edge];
  const accounts = all(run, T.account);
  const accountOf = (vm: typeof edge) =>
    accounts.find((a) => `${a.inputs.accountId}@p.iam.gserviceaccount.com` === at(vm, "serviceAccount", "email"));

  it("a VM per node, of the fleet size's machine type; the edge of its own size", () => {
    expect(nodes.map((n) => n.name)).toEqual(
      ["virginia-1", "virginia-2", "virginia-3", "london-1", "london-2", "london-3"].map((n) => `fleet-${n}`),
    );
    for (const node of nodes) expect(node.inputs.machineType).toBe(machineTypes.medium.gcp);
    expect(edge.inputs.machineType).toBe(machineTypes.large.gcp);
  });

  it("nodes sit in their portable region's gcp zones, spread over the zones by index", () => {
    const zones = nodes.map((n) => String(n.inputs.zone));
    expect(zones).toEqual(["us-east4-a", "us-east4-b", "us-east4-c", "europe-west2-a", "europe-west2-b", "europe-west2-c"]);
    for (const node of nodes) {
      const subnet = all(run, T.subnet).find((s) => String(node.inputs.zone).startsWith(`${s.inputs.region}-`));
      expect(at(node, "networkInterfaces", 0, "subnetwork")).toBe(`${subnet?.name}-id`);
    }
  });

  it("CKV_GCP_40: nodes have no public address; the edges alone have one each, a static address in their region", () => {
    for (const node of nodes) expect(at(node, "networkInterfaces", 0, "accessConfigs")).toEqual([]);
    expect(at(edge, "networkInterfaces", 0, "accessConfigs")).toEqual([{ natIp: run.outputs?.edgeAddress, networkTier: "PREMIUM" }]);
    expect(all(run, T.address).map((a) => [a.name, a.inputs.region, a.inputs.addressType])).toEqual([
      ["edge-address", "us-east4", "EXTERNAL"],
      ["edge-london-1-address", "europe-west2", "EXTERNAL"],
    ]);
  });

  it("the edge is in the primary region's subnet, first zone, on the edge tag; nodes on the node tag", () => {
    expect(edge.inputs.zone).toBe("us-east4-a");
    expect(at(edge, "networkInterfaces", 0, "subnetwork")).toBe("network-virginia-id");
    expect(edge.inputs.tags).toEqual(["hello-dev-edge"]);
    for (const node of nodes) expect(node.inputs.tags).toEqual(["hello-dev-node"]);
  });

  it("CKV_GCP_39: every VM is a shielded VM (secure boot, vTPM, integrity monitoring)", () => {
    for (const vm of vms)
      expect(vm.inputs.shieldedInstanceConfig).toEqual({ enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true });
  });

  it("CKV_GCP_32, CKV_GCP_35: project-wide SSH keys blocked and the serial port off on every VM", () => {
    for (const vm of vms) {
      expect(at(vm, "metadata", "block-project-ssh-keys"), vm.name).toBe("true");
      expect(at(vm, "metadata", "serial-port-enable"), vm.name).toBe("false");
      expect(String(at(vm, "metadata", "user-data"))).toMatch(/^#cloud-config\n/);
    }
  });

  it("CKV_GCP_30, CKV_GCP_31: every VM runs as its own service account, never the default compute one", () => {
    const used = vms.map((vm) => String(at(vm, "serviceAccount", "email")));
    expect(new Set(used).size).toBe(vms.length);
    for (const vm of vms) {
      expect(accountOf(vm), vm.name).toBeDefined();
      expect(String(at(vm, "serviceAccount", "email"))).not.toMatch(/-compute@developer\.gserviceaccount\.com$|^default$/);
      expect(at(vm, "serviceAccount", "scopes")).toEqual(["https://www.googleapis.com/auth/cloud-platform"]);
    }
  });

  it("service account ids are valid gcp ids derived from the stack and the node or edge", () => {
    expect(accounts.map((a) => a.inputs.accountId).sort()).toEqual(
      [
        "hello-dev-edge",
        "hello-dev-edge-london-1",
        ...["virginia", "london"].flatMap((r) => [1, 2, 3].map((i) => `hello-dev-${r}-${i}`)),
      ].sort(),
    );
    for (const a of accounts) expect(String(a.inputs.accountId)).toMatch(serviceAccountIdPattern);
  });

  it("boot disks: Ubuntu 24.04 LTS amd64 from ubuntu-os-cloud, pd-balanced, the configured size, labelled", () => {
    const lookups = run.invokes.filter((i) => i.token === "gcp:compute/getImage:getImage");
    expect(lookups.length).toBeGreaterThan(0);
    for (const lookup of lookups) expect(lookup.inputs).toMatchObject({ family: "ubuntu-2404-lts-amd64", project: "ubuntu-os-cloud" });
    for (const vm of vms) {
      expect(String(at(vm, "bootDisk", "initializeParams", "image"))).toContain(
        "/projects/ubuntu-os-cloud/global/images/ubuntu-2404-lts-amd64",
      );
      expect(at(vm, "bootDisk", "initializeParams", "type")).toBe("pd-balanced");
      expect(at(vm, "bootDisk", "initializeParams", "labels")).toMatchObject({
        "portage-stack": "hello-dev",
        "portage-role": vm === edge ? "edge" : "node",
      });
    }
    for (const node of nodes) expect(at(node, "bootDisk", "initializeParams", "size")).toBe(30);
  });

  it("VMs are labelled with their role", () => {
    for (const node of nodes) expect(node.inputs.labels).toEqual({ "portage-role": "node" });
    expect(edge.inputs.labels).toEqual({ "portage-role": "edge" });
  });

  it("zones are looked up once per region and the image once, shared by the edges and the nodes", () => {
    const zoneLookups = run.invokes.filter((i) => i.token === "gcp:compute/getZones:getZones");
    expect(zoneLookups.every((i) => i.inputs.status === "UP")).toBe(true);
    expect(zoneLookups.length).toBeLessThanOrEqual(3);
    expect(run.invokes.filter((i) => i.token === "gcp:compute/getImage:getImage").length).toBeLessThanOrEqual(2);
  });

  it("a machine type change stops and starts a VM instead of failing; zone and image never replace one", () => {
    for (const vm of vms) {
      expect(vm.inputs.allowStoppingForUpdate).toBe(true);
      expect(vm.options.ignoreChanges).toEqual(expect.arrayContaining(["zone", "bootDisk.initializeParams.image"]));
    }
  });
});

describe("gcp IAM: least privilege for nodes and the edge", async () => {
  const run = await runGcp({ "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 2 } });
  const accounts = all(run, T.account);
  const memberOf = (accountName: string) => {
    const account = accounts.find((a) => a.name === accountName);
    return `serviceAccount:${account?.inputs.accountId}@p.iam.gserviceaccount.com`;
  };
  const secretIds = (expression: string) => [...expression.matchAll(/secrets\/([a-z0-9-]+)\/"/g)].map((m) => m[1]);
  const nodeNames = ["virginia-1", "virginia-2", "london-1", "london-2"];
  const folderMember = "gcp:storage/managedFolderIamMember:ManagedFolderIamMember";
  const bucketMember = "gcp:storage/bucketIAMMember:BucketIAMMember";

  it("no IAM grant but these: each VM's secret access and its agent's results folder, each edge's agent read, one bucket read binding", () => {
    const iam = run.resources.filter((r) => /iam/i.test(r.type) && r.type !== T.account);
    expect(iam.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        ...nodeNames.map((n) => `${T.projectMember} fleet-${n}-secrets`),
        ...nodeNames.map((n) => `${folderMember} fleet-${n}-results`),
        ...["edge", "edge-london-1"].flatMap((e) => [
          `${T.projectMember} ${e}-secret-access`,
          `${folderMember} ${e}-results`,
          `${bucketMember} ${e}-agent-read`,
        ]),
        `${T.bucketBinding} fleet-bucket-read`,
      ].sort(),
    );
  });

  it("each VM's agent writes only its own results: a managed folder agents/results/<agent>/ with objectUser for its account", () => {
    const bucket = one(run, T.bucket);
    for (const [agent, account, resource] of [
      ...nodeNames.map((n) => [n, `fleet-${n}`, `fleet-${n}-results`]),
      ["edge", "edge-identity", "edge-results"],
      ["edge-london-1", "edge-london-1-identity", "edge-london-1-results"],
    ] as const) {
      const folder = one(run, "gcp:storage/managedFolder:ManagedFolder", resource);
      expect(folder.inputs).toMatchObject({ name: `agents/results/${agent}/` });
      expect(String(folder.inputs.bucket)).toMatch(new RegExp(`^${bucket.name}-`));
      const member = one(run, folderMember, resource);
      expect(member.inputs).toMatchObject({
        role: "roles/storage.objectUser",
        member: memberOf(account),
        managedFolder: `agents/results/${agent}/`,
      });
    }
  });

  it("each edge's agent reads only its own inbox and the edges' objects: a conditional objectViewer on the bucket, as itself", () => {
    for (const [agent, account] of [
      ["edge", "edge-identity"],
      ["edge-london-1", "edge-london-1-identity"],
    ] as const) {
      const grant = one(run, bucketMember, `${agent}-agent-read`);
      const bucket = String(grant.inputs.bucket);
      expect(grant.inputs).toMatchObject({ role: "roles/storage.objectViewer", member: memberOf(account) });
      expect(at(grant, "condition", "expression")).toBe(
        `resource.name == "projects/_/buckets/${bucket}/objects/agents/inbox/${agent}.json" || resource.name.startsWith("projects/_/buckets/${bucket}/objects/edge/")`,
      );
    }
    expect(memberOf("edge-london-1-identity")).not.toBe(memberOf("edge-identity"));
  });

  it("each node reads exactly the stack's five secrets and the app's two settings entries (payload only), by name, as itself", () => {
    for (const name of nodeNames) {
      const grant = one(run, T.projectMember, `fleet-${name}-secrets`);
      expect(grant.inputs).toMatchObject({
        project: "test-project",
        role: "roles/secretmanager.secretAccessor",
        member: memberOf(`fleet-${name}`),
      });
      const expression = String(at(grant, "condition", "expression"));
      expect(new Set(secretIds(expression))).toEqual(
        new Set(
          ["database-url", "secret-key-base", "release-cookie", "phx-host", "edge-admin-password", "app-env", "app-secrets"].map(
            (e) => `hello-dev-${e}`,
          ),
        ),
      );
      // Full names with the project number, as IAM sees them; versions by a prefix that ends in "/".
      expect(expression).toContain('resource.name.startsWith("projects/123456789/secrets/hello-dev-database-url/")');
      expect(expression).not.toMatch(/startsWith\("[^"]*[^/]"\)/);
      // IAM refuses a condition with more than 12 logical operators.
      expect(expression.match(/\|\||&&|!/g)?.length ?? 0).toBeLessThanOrEqual(12);
    }
  });

  it("all node grants share one condition, so the project policy holds one binding for the fleet", () => {
    const conditions = nodeNames.map((n) => JSON.stringify(at(one(run, T.projectMember, `fleet-${n}-secrets`), "condition")));
    expect(new Set(conditions).size).toBe(1);
  });

  it("the edge reads only the edge admin password", () => {
    const grant = one(run, T.projectMember, "edge-secret-access");
    expect(grant.inputs).toMatchObject({ role: "roles/secretmanager.secretAccessor", member: memberOf("edge-identity") });
    expect(new Set(secretIds(String(at(grant, "condition", "expression"))))).toEqual(new Set(["hello-dev-edge-admin-password"]));
  });

  it("every node, and not the edge, reads the bucket: objectViewer on the stack's bucket only", () => {
    const binding = one(run, T.bucketBinding);
    const bucket = one(run, T.bucket);
    expect(binding.inputs.role).toBe("roles/storage.objectViewer");
    expect(String(binding.inputs.bucket)).toMatch(new RegExp(`^${bucket.name}-`));
    expect([...(binding.inputs.members as string[])].sort()).toEqual(nodeNames.map((n) => memberOf(`fleet-${n}`)).sort());
  });

  it("the nodes' read leaves out edge/ (the edges' routes, their shared certificate and its key), and lets listing through", () => {
    const binding = one(run, T.bucketBinding);
    const objects = `projects/_/buckets/${String(binding.inputs.bucket)}/objects/`;
    expect(at(binding, "condition", "expression")).toBe(`!resource.name.startsWith("${objects}edge/")`);
    // The condition as IAM evaluates it, on the names it is given: objects, and the bucket for a list.
    const allows = (name: string) => !name.startsWith(`${objects}edge/`);
    expect(allows(`${objects}edge/tls/example.com.pem`)).toBe(false);
    expect(allows(`${objects}edge/routes/edge.cfg`)).toBe(false);
    expect(allows(`${objects}releases/hello-0.1.0.tar.gz`)).toBe(true);
    expect(allows(`projects/_/buckets/${String(binding.inputs.bucket)}`)).toBe(true);
  });
});
