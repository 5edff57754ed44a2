import { describe, expect, it } from "vitest";
import { unpackUserData } from "../../components/node/cloud-config";
import { writtenFiles } from "../artifacts/support/user-data";
import { reveal } from "../support/stack";
import { T, all, at, one, runGcp } from "./gcp-support";
import { A, runAws } from "./aws-support";

const bucketObject = "gcp:storage/bucketObject:BucketObject";

/** `NAME="value"` lines (portage's env files quote every value). */
function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^([A-Z_][A-Z0-9_]*)="(.*)"$/gm)].map((m) => [m[1], m[2]]));
}

/** The settings and the app's environment a VM's user-data writes. */
function envOf(userData: string): { settings: Record<string, string>; app: Record<string, string> } {
  const files = writtenFiles(userData);
  const read = (path: string) => parseEnvFile(files.find((f) => f.path === path)?.content ?? "");
  return { settings: read("/etc/portage/node.env"), app: read("/etc/portage/app.env") };
}

describe("the nodes get the database server's CA, and the app its path (DATABASE_CA_FILE)", () => {
  it("aws: RDS's bundle of the database's region, from AWS's trust store", async () => {
    const run = await runAws({ "portage:fleet": { regions: ["london", "virginia"] } });
    const nodes = all(run, A.instance).filter((r) => r.name.startsWith("fleet-"));
    expect(nodes.length).toBe(2);
    for (const node of nodes) {
      const env = envOf(unpackUserData(String(node.inputs.userDataBase64)));
      // The database is in the primary region (london), wherever the node is.
      expect(env.settings.DATABASE_CA).toBe("https://truststore.pki.rds.amazonaws.com/eu-west-2/eu-west-2-bundle.pem");
      expect(env.app.DATABASE_CA_FILE).toBe("/etc/portage/database-ca.pem");
    }
  });

  it("gcp: the instance's server CA, written to the bucket where the nodes read it", async () => {
    const run = await runGcp();
    const object = one(run, bucketObject, "database-server-ca");
    const sql = one(run, T.sqlInstance);
    expect(all(run, T.bucket).length).toBe(1);
    expect(object.inputs).toMatchObject({ bucket: expect.any(String), name: "database/server-ca.pem" });
    // The provider keeps an object's content secret in the state, whatever it is.
    const content = (reveal(object.inputs.content) as { secret: string }).secret;
    expect(content).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    expect(content).toContain(Buffer.from(`stand-in CA of ${sql.name}`).toString("base64"));
    for (const node of all(run, T.instance).filter((r) => r.name.startsWith("fleet-"))) {
      const env = envOf(String(at(node, "metadata", "user-data")));
      expect(env.settings.DATABASE_CA).toBe("database/server-ca.pem");
      expect(env.app.DATABASE_CA_FILE).toBe("/etc/portage/database-ca.pem");
    }
  });
});
