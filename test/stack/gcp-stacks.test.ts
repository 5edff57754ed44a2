import { describe, expect, it } from "vitest";
import { Bucket } from "../../components/bucket";
import { Providers } from "../../components/cloud";
import { cloudSpec, loadSpec } from "../../components/config";
import { Fleet } from "../../components/fleet";
import { Network } from "../../components/network";
import { fakeAddress } from "../../tools/offline/mocks";
import { runOffline, type RecordedResource } from "../../tools/offline/run";
import { flattenConfig } from "../../tools/offline/stack";
import { reveal, validConfig } from "../support/stack";
import { all, at, nodeInstances, one, runGcp, runGcpStack, T, type Run } from "./gcp-support";

describe("gcp: the stack files evaluate", () => {
  it.each(["dev", "prod"])("Pulumi.%s.yaml on gcp: every node, one edge, one database, one bucket", async (stack) => {
    const run = await runGcpStack(stack);
    const expected = stack === "dev" ? ["virginia-1"] : ["virginia-1", "virginia-2", "london-1", "london-2"];
    expect(run.outputs?.nodes.map((n) => n.name)).toEqual(expected);
    expect(nodeInstances(run)).toHaveLength(expected.length);
    for (const type of [T.sqlInstance, T.bucket, T.network, T.zone]) expect(all(run, type)).toHaveLength(1);
    expect(all(run, T.instance).filter((r) => r.name === "edge-vm")).toHaveLength(1);
  });
});

describe("gcp private DNS for cluster discovery", async () => {
  const run = await runGcp({ "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 2 } });
  const zone = one(run, T.zone);

  it("a private zone for the stack, visible on the stack's VPC only", () => {
    expect(zone.inputs).toMatchObject({ dnsName: "dev.hello.internal.", visibility: "private" });
    expect(zone.inputs.privateVisibilityConfig).toEqual({ networks: [{ networkUrl: "network-vpc-id" }] });
  });

  it("nodes.<zone> resolves to every node's private address, with a 10 s TTL", () => {
    const record = one(run, T.record, "dns-nodes");
    expect(record.inputs).toMatchObject({ name: "nodes.dev.hello.internal.", type: "A", ttl: 10 });
    expect(String(record.inputs.managedZone)).toMatch(/^dns-zone-/);
    expect([...(record.inputs.rrdatas as string[])].sort()).toEqual((run.outputs?.nodes ?? []).map((n) => n.privateAddress).sort());
  });

  it("edge.<zone> resolves to every region's edge VM's private address", () => {
    const record = one(run, T.record, "dns-edge");
    expect(record.inputs).toMatchObject({ name: "edge.dev.hello.internal.", type: "A", ttl: 10 });
    // The mock cloud's private address for each edge VM's first interface.
    expect(record.inputs.rrdatas).toEqual([fakeAddress("edge-vm-0"), fakeAddress("edge-london-1-vm-0")]);
  });
});

/** Every gcp resource of `before`, by type and name, with its inputs (secrets revealed, so they compare too). */
function gcpInputs(run: Run): Map<string, unknown> {
  return new Map(run.resources.filter((r) => r.type.startsWith("gcp:")).map((r) => [`${r.type} ${r.name}`, reveal(r.inputs)]));
}

/** What growing the fleet may change: the node list of the bucket grant and of the cluster name. */
const fleetWide = [`${T.bucketBinding} fleet-bucket-read`, `${T.record} dns-nodes`];

describe("gcp: growing the fleet touches nothing that exists", async () => {
  const base = await runGcp({ "portage:fleet": { regions: ["virginia"], nodesPerRegion: 1 } });
  const grown = {
    "one more node": await runGcp({ "portage:fleet": { regions: ["virginia"], nodesPerRegion: 2 } }),
    "one more region": await runGcp({ "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 1 } }),
  };

  it.each(Object.keys(grown))(
    "%s: every existing VM, disk, identity, grant, network piece and the database keep their exact inputs",
    (what) => {
      const before = gcpInputs(base);
      const after = gcpInputs(grown[what as keyof typeof grown]);
      for (const [key, inputs] of before) {
        expect(after.has(key), `${key} still exists`).toBe(true);
        // A new region also brings its edge, which edge.<zone> lists.
        const changes = what === "one more region" ? [...fleetWide, `${T.record} dns-edge`] : fleetWide;
        if (!changes.includes(key)) expect(after.get(key), key).toEqual(inputs);
      }
      expect(before.size).toBeGreaterThan(30);
    },
  );

  it.each(Object.keys(grown))("%s: the fleet-wide node lists gain the new node and keep the old", (what) => {
    const run = grown[what as keyof typeof grown];
    const members = one(run, T.bucketBinding).inputs.members as string[];
    expect(members).toEqual(expect.arrayContaining(one(base, T.bucketBinding).inputs.members as string[]));
    expect(members).toHaveLength(2);
    expect(one(run, T.record, "dns-nodes").inputs.rrdatas).toHaveLength(2);
  });
});

describe("gcp at 300 nodes (3 regions of 100)", async () => {
  const run = await runGcp({ "portage:fleet": { regions: ["virginia", "london", "tokyo"], nodesPerRegion: 100 } });
  const nodes = nodeInstances(run);

  it("a VM, a service account and a secret grant per node, one bucket binding", () => {
    expect(nodes).toHaveLength(300);
    const ids = all(run, T.account).map((a) => String(a.inputs.accountId));
    expect(new Set(ids).size).toBe(301);
    for (const id of ids) expect(id).toMatch(/^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/);
    expect(all(run, T.projectMember)).toHaveLength(301);
    expect(one(run, T.bucketBinding).inputs.members).toHaveLength(300);
  });

  it("provider lookups stay per region, not per node", () => {
    const count = (token: string) => run.invokes.filter((i) => i.token === token).length;
    expect(count("gcp:compute/getZones:getZones")).toBeLessThanOrEqual(4);
    expect(count("gcp:compute/getImage:getImage")).toBeLessThanOrEqual(2);
    expect(count("gcp:organizations/getProject:getProject")).toBeLessThanOrEqual(2);
  });

  it("nodes.<zone> holds Cloud DNS's maximum of 100 addresses, drawn from every region", () => {
    const listed = one(run, T.record, "dns-nodes").inputs.rrdatas as string[];
    expect(new Set(listed).size).toBe(100);
    const byAddress = new Map((run.outputs?.nodes ?? []).map((n) => [n.privateAddress, n.region]));
    expect(new Set(listed.map((a) => byAddress.get(a)))).toEqual(new Set(["us-east4", "europe-west2", "asia-northeast1"]));
  });
});

describe("gcp transforms reach the raw resources", async () => {
  const run = await runOffline(
    () => {
      const spec = loadSpec();
      const cloud = cloudSpec(spec, "gcp");
      const providers = new Providers("cloud", { spec, cloud });
      const network = new Network("network", {
        spec,
        cloud,
        providers,
        transform: {
          gcp: {
            subnet: { description: "my subnet" },
            firewall: (args, _opts, name) => {
              if (name === "network-edge-web") args.sourceRanges = ["192.0.2.0/24"];
            },
          },
        },
      });
      const bucket = new Bucket("bucket", { spec, cloud, providers, transform: { gcp: { bucket: { storageClass: "NEARLINE" } } } });
      new Fleet("fleet", {
        spec,
        cloud,
        providers,
        network,
        bucket,
        transform: {
          gcp: {
            instance: (args, opts) => {
              args.labels = { team: "web" };
              opts.protect = true;
            },
          },
        },
      });
      return {};
    },
    { config: flattenConfig(validConfig({ "portage:provider": "gcp" })), stack: "dev" },
  );
  const find = (type: string, name: string) => run.resources.find((r) => r.type === type && r.name === name) as RecordedResource;

  it("runs", () => expect(run.error).toBeUndefined());

  it("a partial merges over the component's arguments", () => {
    expect(find(T.subnet, "network-virginia").inputs.description).toBe("my subnet");
    expect(find(T.subnet, "network-virginia").inputs.privateIpGoogleAccess).toBe(true);
    expect(find(T.bucket, "bucket").inputs).toMatchObject({ storageClass: "NEARLINE", publicAccessPrevention: "enforced" });
  });

  it("a callback edits one resource by name, arguments and options", () => {
    expect(find(T.firewall, "network-edge-web").inputs.sourceRanges).toEqual(["192.0.2.0/24"]);
    expect(find(T.firewall, "network-edge-ssh").inputs.sourceRanges).toEqual(["203.0.113.10/32"]);
    const node = find(T.instance, "fleet-virginia-1");
    expect(node.inputs.labels).toEqual({ team: "web" });
    expect(node.options.protect).toBe(true);
    expect(at(node, "shieldedInstanceConfig", "enableSecureBoot")).toBe(true);
  });
});
