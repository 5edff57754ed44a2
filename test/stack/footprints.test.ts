import { describe, expect, it } from "vitest";
import { stackTags } from "../../components/names";
import { Secret, type RecordedResource } from "../../tools/offline/run";
import { runTwoFootprints } from "../support/footprints";
import { validConfig } from "../support/stack";

const components = ["cloud", "network", "bucket", "database", "edge", "secrets", "fleet", "dns", "release"];

/** What names a resource on its cloud: the explicit name where portage gives one, else Pulumi's auto-name (logical name + suffix). */
function cloudName(r: RecordedResource): string {
  const i = r.inputs;
  const explicit: Record<string, unknown> = {
    "aws:ssm/parameter:Parameter": i.name,
    "aws:s3/bucket:Bucket": i.bucketPrefix,
    "aws:route53/record:Record": `${String(i.zoneId)}/${String(i.name)}`,
    "aws:s3/bucketObjectv2:BucketObjectv2": `${String(i.bucket)}/${String(i.key)}`,
    "gcp:secretmanager/secret:Secret": i.secretId,
    "gcp:serviceaccount/account:Account": i.accountId,
    "gcp:dns/recordSet:RecordSet": `${String(i.managedZone)}/${String(i.name)}`,
    "gcp:sql/user:User": `${String(i.instance)}/${String(i.name)}`,
    "gcp:sql/database:Database": `${String(i.instance)}/${String(i.name)}`,
    "gcp:storage/bucketObject:BucketObject": `${String(i.bucket)}/${String(i.name)}`,
  };
  return `${r.type} ${String(explicit[r.type] ?? `${r.name}-<suffix>`)}`;
}

describe.each([
  ["aws", "gcp"],
  ["gcp", "aws"],
] as const)("a %s stack with a %s footprint beside the serving one, in one program", async (serving, other) => {
  const run = await runTwoFootprints(other, {
    overrides: validConfig({ "portage:provider": serving, "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 2 } }),
  });
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const top = (r: RecordedResource): RecordedResource => {
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    return parent ? top(parent) : r;
  };
  const custom = run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
  const ofCloud = (cloud: string) => custom.filter((r) => r.type.startsWith(`${cloud}:`));

  it("evaluates", () => expect(run.error).toBeUndefined());

  it("every URN is unique", () => {
    const urns = run.resources.map((r) => r.urn);
    expect(urns.length).toBeGreaterThan(100);
    expect(new Set(urns).size).toBe(urns.length);
  });

  it("the serving footprint keeps the stack's names, the other's components are <cloud>-<name>", () => {
    const tops = run.resources.filter((r) => !r.parent).map((r) => r.name);
    expect(tops.sort()).toEqual(["data-guard", ...components, ...components.map((c) => `${other}-${c}`)].sort());
  });

  it("every resource is named after its component, so the two footprints' URNs never meet", () => {
    for (const r of run.resources.filter((x) => x.parent)) expect(r.name.startsWith(top(r).name), r.urn).toBe(true);
  });

  it("each footprint's resources use its own providers, which tag or label them with the stack", () => {
    for (const cloud of [serving, other]) {
      const cloudComponent = cloud === serving ? "cloud" : `${other}-cloud`;
      const providers = run.resources.filter((r) => r.type === `pulumi:providers:${cloud}`);
      expect(providers.every((p) => p.parent && byUrn.get(p.parent)?.name === cloudComponent)).toBe(true);
      for (const r of ofCloud(cloud)) {
        expect(
          providers.map((p) => p.urn),
          r.urn,
        ).toContain(r.options.provider?.split("::").slice(0, 4).join("::"));
      }
      const tags = stackTags({ prefix: "hello-dev", production: false }, cloud);
      for (const p of providers) {
        // Provider objects reach the engine as JSON text: aws { tags: {...} }, gcp the labels.
        const defaults = JSON.parse(String(p.inputs.defaultTags ?? p.inputs.defaultLabels)) as { tags?: object };
        expect(defaults.tags ?? defaults).toEqual(tags);
      }
    }
  });

  it("no two resources of a cloud have the same name on it", () => {
    for (const cloud of [serving, other]) {
      const names = ofCloud(cloud).map(cloudName);
      expect(names.length).toBeGreaterThan(20);
      expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    }
  });

  it("both footprints store the same seven entries under their cloud's names, and share the values the stack generated", () => {
    const parameters = custom.filter((r) => r.type === "aws:ssm/parameter:Parameter");
    const secrets = custom.filter((r) => r.type === "gcp:secretmanager/secret:Secret");
    expect(parameters.map((p) => p.inputs.name).sort()).toEqual(
      ["APP_ENV", "APP_SECRETS", "DATABASE_URL", "EDGE_ADMIN_PASSWORD", "PHX_HOST", "RELEASE_COOKIE", "SECRET_KEY_BASE"].map(
        (e) => `/portage/hello-dev/${e}`,
      ),
    );
    expect(secrets.map((s) => s.inputs.secretId).sort()).toEqual(
      ["app-env", "app-secrets", "database-url", "edge-admin-password", "phx-host", "release-cookie", "secret-key-base"].map(
        (e) => `hello-dev-${e}`,
      ),
    );
    const valueOf = (env: string) => {
      const awsValue = parameters.find((p) => String(p.inputs.name).endsWith(`/${env}`))?.inputs.value;
      const secret = secrets.find((s) => s.inputs.secretId === `hello-dev-${env.toLowerCase().replace(/_/g, "-")}`);
      const version = custom.find((r) => r.type === "gcp:secretmanager/secretVersion:SecretVersion" && r.name === secret?.name);
      return [awsValue, version?.inputs.secretData].map((v) => (v instanceof Secret ? v.value : v));
    };
    for (const env of ["SECRET_KEY_BASE", "RELEASE_COOKIE", "EDGE_ADMIN_PASSWORD"]) {
      const [a, g] = valueOf(env);
      expect(typeof a === "string" && a.length >= 32, env).toBe(true);
      expect(g, env).toBe(a);
    }
    const randoms = run.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword").map((r) => r.name);
    expect(randoms.sort()).toEqual(
      [
        "database-password",
        "secrets-edge-admin-password",
        "secrets-release-cookie",
        "secrets-secret-key-base",
        `${other}-database-password`,
      ].sort(),
    );
  });
});
