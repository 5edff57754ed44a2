import { describe, expect, it } from "vitest";
import { clouds } from "../../components/config";
import { fakeSecret } from "../../tools/offline/mocks";
import { Secret } from "../../tools/offline/run";
import { runStack } from "../../tools/offline/stack";
import { access, reveal, validConfig } from "../support/stack";
import { ed25519Pair } from "../support/ssh";

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

  it("the operator's SSH private key is only ever sent as a secret (the rollout's connections)", async () => {
    const pair = ed25519Pair();
    const key = pair.privateKey;
    const withKey = await runStack({
      provider,
      overrides: validConfig({ "portage:sshPrivateKey": key, "portage:access": { ...access, sshPublicKey: pair.publicKey } }),
    });
    expect(withKey.error).toBeUndefined();
    const body = key.split("\n")[1] ?? "";
    // Secret values serialize as "[secret]": what is left is what a state file or a log would show.
    for (const r of withKey.resources) expect(JSON.stringify(r.inputs).includes(body), `${r.type} ${r.name}`).toBe(false);
    const used = withKey.resources.filter((r) => JSON.stringify(reveal(r.inputs)).includes(body));
    expect(used.length).toBeGreaterThan(0);
    expect(JSON.stringify(reveal(withKey.outputs)).includes(body)).toBe(false);
  });

  it("no generated value appears in the stack outputs, even encrypted", () => {
    const text = JSON.stringify(reveal(run.outputs));
    for (const value of values) expect(text.includes(value)).toBe(false);
  });
});
