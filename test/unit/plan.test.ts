import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { Cloud } from "../../components/config";
import { fakeSecret } from "../../tools/offline/mocks";
import { runStack } from "../../tools/offline/stack";
import { buildPlan, formatPlan, type Plan } from "../../tools/plan/format";
import { validConfig } from "../support/stack";

const root = join(__dirname, "..", "..");
const run = promisify(execFile);
const plan = (args: string[]) =>
  run(join(root, "node_modules", ".bin", "tsx"), [join(root, "tools", "plan.ts"), ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024 });

async function planOf(overrides = {}, provider: Cloud = "aws"): Promise<string> {
  const result = await runStack({ provider, overrides: validConfig(overrides) });
  expect(result.error).toBeUndefined();
  return formatPlan(buildPlan({ stack: "dev", provider, resources: result.resources, outputs: result.outputs }));
}

/** Lines only in `b`, as `diff` would mark them with "+". */
function added(a: string, b: string): string[] {
  const before = new Set(a.split("\n"));
  return b.split("\n").filter((line) => !before.has(line));
}

describe("npm run plan: the stack without a cloud", () => {
  it("prints every resource grouped by component, in the program's order, with a placeholder release noted", async () => {
    const { stdout } = await plan(["--stack", "dev", "--provider", "gcp"]);
    expect(stdout).toMatch(/^portage plan: stack dev, provider gcp, \d+ resources\n/);
    const components = [...stdout.matchAll(/^(\S+) \((portage:[^)]+)\): \d+ resources$/gm)].map((m) => m[1]);
    expect(components).toEqual(["cloud", "network", "bucket", "database", "edge", "secrets", "fleet", "dns", "release"]);
    expect(stdout).toContain("  gcp:compute/instance:Instance  fleet-virginia-1");
    expect(stdout).toMatch(/^ {6}machineType: "e2-small"$/m);
    const note = "note: ./releases/hello-0.1.0.tar.gz does not exist here; planned with a placeholder release";
    expect(stdout.includes(note)).toBe(!existsSync(join(root, "releases", "hello-0.1.0.tar.gz")));
  }, 120_000);

  it("--json prints the same plan as data", async () => {
    const { stdout } = await plan(["--stack", "prod", "--provider", "aws", "--json"]);
    const parsed = JSON.parse(stdout) as Plan;
    expect(parsed).toMatchObject({ stack: "prod", provider: "aws" });
    const db = parsed.components.find((c) => c.name === "database")?.resources.find((r) => r.type === "aws:rds/instance:Instance");
    expect(db?.options.protect).toBe(true);
    expect(db?.inputs.multiAz).toBe(true);
    expect(parsed.resourceCount).toBe(parsed.components.reduce((n, c) => n + c.resources.length, 0));
  }, 120_000);

  it("rejects an unknown stack or provider with the fix", async () => {
    await expect(plan(["--stack", "nope"])).rejects.toMatchObject({ stderr: expect.stringContaining("no Pulumi.nope.yaml") });
    await expect(plan(["--stack", "dev", "--provider", "azure"])).rejects.toMatchObject({
      stderr: expect.stringContaining('"azure" is not a provider; use aws or gcp'),
    });
  }, 120_000);

  it("is deterministic: two plans of the same config are byte-identical", async () => {
    expect(await planOf()).toBe(await planOf());
  });

  it("a diff of two plans shows what a config change does: one more node is one more VM and identity, nothing else new", async () => {
    const one = await planOf({ "portage:fleet": { nodesPerRegion: 1 } });
    const two = await planOf({ "portage:fleet": { nodesPerRegion: 2 } });
    const newResources = added(one, two).filter((l) => /^ {2}\S+ {2}\S+/.test(l));
    expect(newResources.some((l) => l.includes("aws:ec2/instance:Instance  fleet-virginia-2"))).toBe(true);
    expect(newResources.some((l) => l.includes("aws:iam/role:Role  fleet-virginia-2-role"))).toBe(true);
    expect(newResources.every((l) => l.includes("virginia-2"))).toBe(true);
  });

  it("plans the same without the SDK's promise stack traces (how npm run plan evaluates), and restores the trace limit", async () => {
    const limit = Error.stackTraceLimit;
    const text = async (sdkStackTraces: boolean) => {
      const result = await runStack({ provider: "gcp", overrides: validConfig(), sdkStackTraces });
      expect(result.error).toBeUndefined();
      return formatPlan(buildPlan({ stack: "dev", provider: "gcp", resources: result.resources, outputs: result.outputs }));
    };
    expect(await text(false)).toBe(await text(true));
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("never shows a secret: generated values are [secret]", async () => {
    const result = await runStack({ provider: "aws", overrides: validConfig() });
    const text = formatPlan(buildPlan({ stack: "dev", provider: "aws", resources: result.resources, outputs: result.outputs }));
    expect(text).toContain("[secret]");
    for (const r of result.resources.filter((x) => x.type === "random:index/randomPassword:RandomPassword")) {
      expect(text).not.toContain(fakeSecret(r.name, Number(r.inputs.length)));
    }
  });
});
