import { describe, expect, it } from "vitest";
import { clouds } from "../../components/config";
import { fakeSecret } from "../../tools/offline/mocks";
import { Secret } from "../../tools/offline/run";
import { runStack } from "../../tools/offline/stack";
import { unpackUserData } from "../../components/node";
import { ed25519Pair } from "../support/ssh";
import { access, reveal, validConfig } from "../support/stack";

/** Where a generated secret may legitimately be: the store, and the database's own password input. */
const secretHolders = [
  "aws:ssm/parameter:Parameter",
  "gcp:secretmanager/secretVersion:SecretVersion",
  "random:index/randomPassword:RandomPassword",
];
const passwordHolders: Record<string, string> = { "aws:rds/instance:Instance": "password", "gcp:sql/user:User": "password" };

describe.each(clouds)("%s: generated secrets stay in the secret store", async (provider) => {
  const run = await runStack({
    provider,
    // With a read replica: its URL holds the database password too.
    overrides: validConfig({
      "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 2 },
      "portage:database": { replicas: ["london"] },
    }),
  });
  const generated = run.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
  // The mock random provider returns a known value per resource: search for exactly those.
  const values = generated.map((r) => fakeSecret(r.name, Number(r.inputs.length)));

  it("generates the database password, the Erlang cookie, SECRET_KEY_BASE and the edge admin password", () => {
    expect(generated.map((r) => r.name).sort()).toEqual(
      ["database-password", "secrets-edge-admin-password", "secrets-release-cookie", "secrets-secret-key-base"].sort(),
    );
  });

  it("stores each of them, and DATABASE_URL, as a secret in the provider's store", () => {
    const store = run.resources.filter((r) => secretHolders.slice(0, 2).includes(r.type));
    const stored = store.map((r) => r.inputs.value ?? r.inputs.secretData);
    for (const value of values.filter((_, i) => generated[i]?.name !== "database-password")) {
      expect(stored.some((s) => s instanceof Secret && s.value === value)).toBe(true);
    }
    const url = stored.find((s) => s instanceof Secret && String(s.value).startsWith("ecto://"));
    expect(url).toBeInstanceOf(Secret);
    expect(String((url as Secret).value)).toContain(values[generated.findIndex((g) => g.name === "database-password")]);
  });

  it("no generated value appears in any other resource input: user-data, metadata, tags, labels, commands", () => {
    for (const r of run.resources) {
      if (secretHolders.includes(r.type)) continue;
      const inputs = { ...(reveal(r.inputs) as Record<string, unknown>) };
      const allowed = passwordHolders[r.type];
      // A read replica has no password of its own: it takes its source's.
      if (allowed && r.inputs[allowed] !== undefined) {
        expect(r.inputs[allowed], `${r.type} ${r.name}.${allowed} is marked secret`).toBeInstanceOf(Secret);
        delete inputs[allowed];
      }
      const text = JSON.stringify(inputs);
      for (const value of values) expect(text.includes(value), `${r.type} ${r.name} holds a generated secret`).toBe(false);
    }
  });

  it("the operator's SSH private key reaches no resource (rollouts go through the bucket)", async () => {
    const pair = ed25519Pair();
    const key = pair.privateKey;
    const withKey = await runStack({
      provider,
      overrides: validConfig({ "portage:sshPrivateKey": key, "portage:access": { ...access, sshPublicKey: pair.publicKey } }),
    });
    expect(withKey.error).toBeUndefined();
    const body = key.split("\n")[1] ?? "";
    for (const r of withKey.resources) expect(JSON.stringify(reveal(r.inputs)).includes(body), `${r.type} ${r.name}`).toBe(false);
    expect(JSON.stringify(reveal(withKey.outputs)).includes(body)).toBe(false);
  });

  it("no generated value appears in the stack outputs, even encrypted", () => {
    const text = JSON.stringify(reveal(run.outputs));
    for (const value of values) expect(text.includes(value)).toBe(false);
  });
});

describe.each(clouds)("%s: the app's own settings and secrets", async (provider) => {
  const app = { env: { GREETING: "bonjour-portage" }, secrets: { STRIPE_KEY: "sk_live_do_not_leak", MAILER_TOKEN: "tok-do-not-leak" } };
  const run = await runStack({ provider, overrides: validConfig({ "portage:app": app }) });
  const entries = run.resources.filter((r) => secretHolders.slice(0, 2).includes(r.type));
  const valueOf = (r: { inputs: Record<string, unknown> }) => r.inputs.value ?? r.inputs.secretData;
  const holding = (text: string) => entries.filter((r) => JSON.stringify(reveal(valueOf(r))).includes(text));

  it("evaluates", () => expect(run.error).toBeUndefined());

  it("stores the secrets in one entry, APP_SECRETS, as a secret (SecureString on aws)", () => {
    const [entry, ...more] = holding("sk_live_do_not_leak");
    expect(more).toEqual([]);
    expect(valueOf(entry!)).toBeInstanceOf(Secret);
    expect(String((valueOf(entry!) as Secret).value)).toBe('MAILER_TOKEN="tok-do-not-leak"\nSTRIPE_KEY="sk_live_do_not_leak"\n');
    if (provider === "aws") expect(entry!.inputs).toMatchObject({ name: "/portage/hello-dev/APP_SECRETS", type: "SecureString" });
    else expect(entry!.name).toBe("secrets-app-secrets");
  });

  it("stores the plain settings in one entry, APP_ENV", () => {
    const [entry, ...more] = holding("bonjour-portage");
    expect(more).toEqual([]);
    expect(JSON.stringify(reveal(valueOf(entry!)))).toContain('GREETING=\\"bonjour-portage\\"');
    if (provider === "aws") expect(entry!.inputs).toMatchObject({ name: "/portage/hello-dev/APP_ENV", type: "String" });
  });

  it("no name or value of the app's settings appears in any other input (user-data, metadata, the rollout) or output", () => {
    const words = ["sk_live_do_not_leak", "tok-do-not-leak", "bonjour-portage", "STRIPE_KEY", "MAILER_TOKEN", "GREETING"];
    for (const r of run.resources) {
      if (entries.includes(r)) continue;
      const inputs = reveal(r.inputs) as Record<string, unknown>;
      // User-data is gzipped on aws: read it as the VM will.
      const text = JSON.stringify(inputs) + (typeof inputs.userDataBase64 === "string" ? unpackUserData(inputs.userDataBase64) : "");
      for (const word of words) expect(text.includes(word), `${r.type} ${r.name} holds ${word}`).toBe(false);
    }
    const outputs = JSON.stringify(reveal(run.outputs));
    for (const word of words) expect(outputs.includes(word)).toBe(false);
  });

  it("a reserved name is refused before anything is created, naming the key", async () => {
    const refused = await runStack({
      provider,
      overrides: validConfig({ "portage:app": { secrets: { DATABASE_URL: "postgres://evil" } } }),
    });
    expect(String(refused.error)).toContain("portage:app.secrets.DATABASE_URL: portage sets DATABASE_URL itself");
    expect(refused.resources).toEqual([]);
  });
});
