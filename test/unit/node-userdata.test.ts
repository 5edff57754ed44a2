import { describe, expect, it } from "vitest";
import { edgeFiles, edgeUserData } from "../../components/node/edge";
import { nodeFiles, nodeUserData } from "../../components/node/node";
import { packedUserDataBytes, packUserData, unpackUserData, userDataLimit } from "../../components/node/cloud-config";
import { fakeSecret } from "../../tools/offline/mocks";
import { placeholderReleaseFor } from "../../tools/offline/release-fixture";
import type { RecordedResource } from "../../tools/offline/run";
import { placeholderRelease, runStack } from "../../tools/offline/stack";
import { parseUserData, writtenFiles } from "../artifacts/support/user-data";
import { edgeRt, nodeRt, providers, userDataVariants } from "../artifacts/support/variants";

describe("node user-data", () => {
  it.each(providers)("writes exactly nodeFiles(rt), modes included (%s)", (p) => {
    const rt = nodeRt(p);
    expect(writtenFiles(nodeUserData(rt))).toEqual(nodeFiles(rt));
  });

  it.each(providers)("creates the operator's sudo user with their key, and the app's system user (%s)", (p) => {
    const rt = nodeRt(p);
    const doc = parseUserData(nodeUserData(rt));
    expect(doc.users).toContainEqual(
      expect.objectContaining({
        name: "portage",
        groups: ["sudo"],
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        ssh_authorized_keys: [rt.admin.sshPublicKey],
      }),
    );
    expect(doc.users).toContainEqual(expect.objectContaining({ name: "hello", system: true, shell: "/usr/sbin/nologin" }));
  });

  it("enables epmd and the boot unit, and starts the boot without holding up cloud-init", () => {
    const doc = parseUserData(nodeUserData(nodeRt("aws")));
    expect(doc.runcmd).toEqual([
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "hello-epmd.service", "portage-boot.service"],
      ["systemctl", "start", "--no-block", "portage-boot.service"],
    ]);
  });

  it("installs what the store access needs: the AWS CLI snap on aws, curl and python3 on gcp", () => {
    const aws = parseUserData(nodeUserData(nodeRt("aws")));
    expect(aws.snap?.commands).toEqual(["snap install aws-cli --classic"]);
    expect(aws.packages).toBeUndefined();
    const gcp = parseUserData(nodeUserData(nodeRt("gcp")));
    expect(gcp.packages).toEqual(["curl", "python3"]);
    expect(gcp.snap).toBeUndefined();
  });
});

describe("edge user-data", () => {
  it.each([
    ["aws", "haproxy", false],
    ["gcp", "haproxy", true],
    ["aws", "traefik", true],
    ["gcp", "traefik", false],
  ] as const)("writes exactly edgeFiles(rt) (%s %s, domain %s)", (p, kind, domain) => {
    const rt = edgeRt(p, kind, domain);
    expect(writtenFiles(edgeUserData(rt))).toEqual(edgeFiles(rt));
  });

  it("installs HAProxy and the runtime socket client; certbot only with a domain (HAProxy has no ACME client)", () => {
    expect(parseUserData(edgeUserData(edgeRt("aws", "haproxy", false))).packages).toEqual(["haproxy", "socat"]);
    expect(parseUserData(edgeUserData(edgeRt("aws", "haproxy", true))).packages).toEqual(["haproxy", "socat", "certbot"]);
  });

  it("pins Traefik to a release and its sha256 instead of installing whatever is latest", () => {
    const settings = edgeFiles(edgeRt("aws", "traefik", false)).find((f) => f.path === "/etc/portage/edge.env")!.content;
    expect(settings).toMatch(/^TRAEFIK_VERSION="v3\.\d+\.\d+"$/m);
    expect(settings).toMatch(/^TRAEFIK_SHA256="[0-9a-f]{64}"$/m);
  });
});

describe("every user-data fits its cloud's limit: AWS's 16 KB gzipped, GCP's 256 KB metadata value", () => {
  it.each(userDataVariants())("$name", ({ kind, node, edge }) => {
    const text = kind === "node" ? nodeUserData(node!) : edgeUserData(edge!);
    const provider = kind === "node" ? node!.provider : edge!.provider;
    if (provider === "aws") {
      expect(packedUserDataBytes(text)).toBeLessThanOrEqual(userDataLimit);
      expect(unpackUserData(packUserData(text))).toBe(text);
    } else expect(Buffer.byteLength(text)).toBeLessThanOrEqual(256 * 1024);
  });
});

/** The user-data a recorded VM resource carries, on either cloud. */
function userDataOf(r: RecordedResource): string {
  const inputs = r.inputs as { userDataBase64?: string; metadata?: Record<string, string> };
  const text = inputs.userDataBase64 !== undefined ? unpackUserData(inputs.userDataBase64) : inputs.metadata?.["user-data"];
  if (typeof text !== "string") throw new Error(`${r.name} has no user-data`);
  return text;
}

const vmTypes = ["aws:ec2/instance:Instance", "gcp:compute/instance:Instance"];

describe("user-data in the stack", () => {
  it.each(providers)("holds no generated secret, even inside the compressed files (%s)", async (p) => {
    const result = await runStack({ stack: "prod", provider: p, overrides: { "portage:app": { release: placeholderRelease } } });
    expect(result.error).toBeUndefined();
    const secrets = result.resources
      .filter((r) => r.type === "random:index/randomPassword:RandomPassword")
      .map((r) => fakeSecret(r.name, Number((r.inputs as { length?: number }).length)));
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const vms = result.resources.filter((r) => vmTypes.includes(r.type));
    expect(vms.length).toBeGreaterThanOrEqual(5);
    for (const vm of vms) {
      const text = userDataOf(vm);
      const everything = [text, ...writtenFiles(text).map((f) => f.content)].join("\n");
      for (const secret of secrets) expect(everything, `${vm.name}`).not.toContain(secret);
    }
  });

  it.each(providers)("does not change when the app version changes (%s)", async (p) => {
    const run = (version: string) =>
      runStack({ stack: "prod", provider: p, overrides: { "portage:app": { release: placeholderReleaseFor({ version }), version } } });
    const [a, b] = await Promise.all([run("0.1.0"), run("7.3.1")]);
    const userData = (r: typeof a) =>
      Object.fromEntries(r.resources.filter((x) => vmTypes.includes(x.type)).map((x) => [x.name, userDataOf(x)]));
    const before = userData(a);
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(5);
    expect(userData(b)).toEqual(before);
  });
});
