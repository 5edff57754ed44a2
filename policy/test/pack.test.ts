import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policies } from "../policies";

const root = join(__dirname, "..", "..");

/** The Checkov rules the security issue names, and the policy that carries each. */
const checkov: Record<string, string> = {
  CKV_AWS_79: "aws-instance-imdsv2",
  CKV_AWS_8: "aws-instance-encrypted-disks",
  CKV_AWS_88: "aws-instance-no-public-ip",
  CKV_AWS_24: "aws-no-ssh-from-internet",
  CKV_AWS_17: "aws-rds-private",
  CKV_AWS_16: "aws-rds-encrypted",
  CKV_AWS_133: "aws-rds-backups",
  CKV_AWS_293: "aws-rds-deletion-protection",
  CKV2_AWS_6: "aws-s3-public-access-block",
  CKV_AWS_21: "aws-s3-versioning",
  CKV_GCP_30: "gcp-instance-own-service-account",
  CKV_GCP_31: "gcp-instance-no-full-scope-default-account",
  CKV_GCP_32: "gcp-instance-block-project-ssh-keys",
  CKV_GCP_35: "gcp-instance-serial-port-off",
  CKV_GCP_39: "gcp-instance-shielded-vm",
  CKV_GCP_40: "gcp-instance-no-public-ip",
  CKV_GCP_2: "gcp-no-ssh-from-internet",
  CKV_GCP_60: "gcp-sql-private",
  CKV_GCP_6: "gcp-sql-tls-required",
  CKV_GCP_14: "gcp-sql-backups",
  CKV_GCP_114: "gcp-storage-public-access-prevention",
  CKV_GCP_29: "gcp-storage-uniform-access",
  CKV_GCP_78: "gcp-storage-versioning",
};

describe("the policy pack", () => {
  it("enforces every policy (mandatory), each under a unique name", () => {
    expect(policies.filter((p) => p.enforcementLevel !== "mandatory").map((p) => p.name)).toEqual([]);
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
  });

  it.each(Object.entries(checkov))("names Checkov %s in the description of %s", (id, name) => {
    const policy = policies.find((p) => p.name === name);
    expect(policy?.description).toMatch(new RegExp(`\\b${id}\\b`));
  });

  it("tells the user how to fix every violation", () => {
    expect(policies.filter((p) => !p.remediationSteps?.trim()).map((p) => p.name)).toEqual([]);
  });

  it("checks resource types that exist in @pulumi/aws and @pulumi/gcp", () => {
    const unknown = [...new Set(policies.flatMap((p) => p.types))].filter((token) => sdkToken(token) !== token);
    expect(unknown).toEqual([]);
  });
});

/** The token the SDK class for `token` declares: `aws:ec2/instance:Instance` -> aws.ec2.Instance. */
function sdkToken(token: string): string | undefined {
  const [pkg, path = "", cls = ""] = token.split(":");
  const module = path.split("/")[0] ?? "";
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require(`@pulumi/${pkg}`) as Record<string, Record<string, { __pulumiType?: string }> | undefined>;
  return sdk[module]?.[cls]?.__pulumiType;
}

/**
 * Runs the pack as `pulumi preview --policy-pack policy` does (the CLI's `pulumi-analyzer-policy`
 * shim: @pulumi/pulumi's run-policy-pack, from the policy directory, TypeScript through ts-node) and
 * talks to it over the analyzer gRPC protocol the engine uses.
 */
describe("the policy pack as the Pulumi CLI runs it", () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
  const services = require("@pulumi/pulumi/proto/analyzer_grpc_pb") as typeof import("@pulumi/pulumi/proto/analyzer_grpc_pb");
  const messages = require("@pulumi/pulumi/proto/analyzer_pb") as typeof import("@pulumi/pulumi/proto/analyzer_pb");
  const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as typeof import("google-protobuf/google/protobuf/struct_pb");
  const { Empty } = require("google-protobuf/google/protobuf/empty_pb") as typeof import("google-protobuf/google/protobuf/empty_pb");
  /* eslint-enable @typescript-eslint/no-require-imports */

  let pack: ChildProcess | undefined;
  let client: InstanceType<typeof services.AnalyzerClient>;
  let stderr = "";

  beforeAll(async () => {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [join(root, "policy")] });
    // The engine address is only used for logging, which falls back to stderr.
    pack = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: join(root, "policy"), stdio: ["ignore", "pipe", "pipe"] });
    pack.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      pack?.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split("\n")[0]?.trim();
        if (out.includes("\n") && line) resolve(line);
      });
      pack?.on("exit", (code) => reject(new Error(`the policy pack exited (${code}) before it served: ${stderr}`)));
    });
    client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }, 180_000);

  afterAll(() => {
    client?.close();
    pack?.kill();
  });

  it("starts and describes every portage policy as mandatory", async () => {
    const info = await new Promise<InstanceType<typeof messages.AnalyzerInfo>>((resolve, reject) =>
      client.getAnalyzerInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res))),
    );
    expect(info.getName()).toBe("portage");
    expect(info.getVersion()).toBe("0.1.0");
    const described = info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]);
    expect(described).toEqual(policies.map((p) => [p.name, messages.EnforcementLevel.MANDATORY]));
  });

  it("blocks a node the engine sends with IMDSv1 and a public address, naming the policies", async () => {
    const request = new messages.AnalyzeRequest()
      .setType("aws:ec2/instance:Instance")
      .setName("fleet-virginia-1")
      .setUrn("urn:pulumi:dev::portage::portage:fleet:Fleet$aws:ec2/instance:Instance::fleet-virginia-1")
      .setOptions(new messages.AnalyzerResourceOptions().setProtect(false))
      .setProperties(
        Struct.fromJavaScript({
          ami: "ami-0a1b2c3d4e5f60718",
          instanceType: "t3.small",
          associatePublicIpAddress: true,
          metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 },
          rootBlockDevice: { encrypted: true },
          tags: { "portage-role": "node" },
        }),
      );
    const response = await new Promise<InstanceType<typeof messages.AnalyzeResponse>>((resolve, reject) =>
      client.analyze(request, (err, res) => (err ? reject(err) : resolve(res))),
    );
    const found = response.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel()]);
    expect(found).toEqual([
      ["aws-instance-imdsv2", messages.EnforcementLevel.MANDATORY],
      ["aws-instance-no-public-ip", messages.EnforcementLevel.MANDATORY],
    ]);
  });
});
