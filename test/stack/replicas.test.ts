import { beforeAll, describe, expect, it } from "vitest";
import { unpackUserData } from "../../components/node";
import { runOffline, type RecordedResource } from "../../tools/offline/run";
import { stackConfigMap } from "../../tools/offline/stack";
import { portage } from "../../stacks/program";
import { writtenFiles } from "../artifacts/support/user-data";
import { all, one, reveal, validConfig, type Run } from "../support/stack";
import { A, idOf, regionOf, runAws } from "./aws-support";
import { at, runGcp, T } from "./gcp-support";

/**
 * Read replicas (issue 14, `database.replicas`): a cross-region replica in each listed fleet region,
 * private like the primary; that region's nodes get its URL as DATABASE_REPLICA_URL through the
 * secret store, other regions' nodes do not.
 */
const withReplica = {
  "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 1 },
  "portage:database": { replicas: ["london"] },
};
const kms = "aws:kms/key:Key";

/** A line of a node's settings file (/etc/portage/node.env), from its user-data. */
function setting(vm: RecordedResource, key: string): string {
  const data = vm.type === A.instance ? unpackUserData(String(reveal(vm.inputs.userDataBase64))) : at(vm, "metadata", "user-data");
  const settings = writtenFiles(String(reveal(data))).find((f) => f.path === "/etc/portage/node.env")?.content ?? "";
  return (new RegExp(`^${key}=(.*)$`, "m").exec(settings)?.[1] ?? "").replace(/^['"]|['"]$/g, "");
}

/** `SECRET_REFS` of a node's settings file, as env -> store name. */
function secretRefs(vm: RecordedResource): Record<string, string> {
  const line = setting(vm, "SECRET_REFS");
  return Object.fromEntries(line.split(" ").map((pair) => pair.split("=") as [string, string]));
}

describe("aws: a read replica in london", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runAws(withReplica);
  });

  it("an RDS read replica in eu-west-2 of the primary (by its ARN), encrypted with a key of its own region", () => {
    const replica = one(run, A.db, "database-london-postgres");
    const primary = one(run, A.db, "database-postgres");
    const key = one(run, kms, "database-london-key");
    expect(regionOf(run, replica)).toBe("eu-west-2");
    expect(regionOf(run, key)).toBe("eu-west-2");
    // The mock's ARNs: the primary's in us-east-1, the key's in eu-west-2.
    expect(replica.inputs.replicateSourceDb).toBe("arn:aws:rds:us-east-1:123456789012:db:database-postgres");
    expect(String(replica.inputs.kmsKeyId)).toMatch(/^arn:aws:kms:eu-west-2:123456789012:key\//);
    expect(replica.inputs).toMatchObject({
      storageEncrypted: true,
      instanceClass: primary.inputs.instanceClass,
      publiclyAccessible: false,
      backupRetentionPeriod: primary.inputs.backupRetentionPeriod,
      skipFinalSnapshot: true,
      vpcSecurityGroupIds: [idOf("network-london-replica")],
    });
    // Engine, version, database, user and password come from the source.
    for (const inherited of ["engine", "engineVersion", "dbName", "username", "password"])
      expect(replica.inputs[inherited]).toBeUndefined();
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
  });

  it("the replica's subnet group is london's database subnets; its parameter group the primary's family and parameters", () => {
    const subnets = one(run, A.dbSubnets, "database-london-subnets");
    expect(regionOf(run, subnets)).toBe("eu-west-2");
    expect(subnets.inputs.subnetIds).toEqual([1, 2, 3].map((i) => idOf(`network-london-database-${i}`)));
    const london = one(run, A.dbParameters, "database-london-parameters");
    const primary = one(run, A.dbParameters, "database-parameters");
    expect(regionOf(run, london)).toBe("eu-west-2");
    expect(london.inputs.family).toBe("postgres16");
    expect(london.inputs.parameters).toEqual(primary.inputs.parameters);
    expect(one(run, A.subnet, "network-london-database-1").inputs.cidrBlock).toMatch(/^10\.\d+\.192\.0\/24$/);
  });

  it("Postgres to the replica from london's nodes only, and london's nodes may reach it", () => {
    const ingress = all(run, A.ingress).filter((r) => r.inputs.securityGroupId === idOf("network-london-replica"));
    expect(ingress.map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId])).toEqual([[5432, idOf("network-london-node")]]);
    const egress = all(run, A.egress).filter(
      (r) =>
        r.inputs.securityGroupId === idOf("network-london-node") && r.inputs.referencedSecurityGroupId === idOf("network-london-replica"),
    );
    expect(egress.map((r) => r.inputs.fromPort)).toEqual([5432]);
  });

  it("the replica's URL is stored as a secret for london, and only london's nodes read it as DATABASE_REPLICA_URL", () => {
    const parameter = one(run, A.parameter, "secrets-database-replica-url-london");
    expect(parameter.inputs).toMatchObject({ name: "/portage/hello-dev/DATABASE_REPLICA_URL_LONDON", type: "SecureString" });
    const url = reveal(parameter.inputs.value) as { secret: string };
    expect(url.secret).toMatch(
      /^ecto:\/\/hello:[^@]+@database-london-postgres\.[0-9a-f]+\.eu-west-2\.rds\.amazonaws\.com:5432\/hello\?ssl=true$/,
    );
    expect(secretRefs(one(run, A.instance, "fleet-london-1")).DATABASE_REPLICA_URL).toBe("/portage/hello-dev/DATABASE_REPLICA_URL_LONDON");
    expect(secretRefs(one(run, A.instance, "fleet-virginia-1")).DATABASE_REPLICA_URL).toBeUndefined();
    expect(secretRefs(one(run, A.instance, "fleet-virginia-1")).DATABASE_URL).toBe("/portage/hello-dev/DATABASE_URL");
  });

  it("the stack's database output lists the replica by region and host, beside the primary", () => {
    expect(run.outputs?.database).toMatchObject({
      port: 5432,
      name: "hello",
      replicas: [
        {
          region: "london",
          cloudRegion: "eu-west-2",
          host: expect.stringMatching(/^database-london-postgres\..*\.eu-west-2\.rds\.amazonaws\.com$/),
        },
      ],
    });
  });

  it("london's nodes verify the server with RDS's global CA bundle (both regions' CAs), virginia's with us-east-1's", () => {
    expect(setting(one(run, A.instance, "fleet-london-1"), "DATABASE_CA")).toBe(
      "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem",
    );
    expect(setting(one(run, A.instance, "fleet-virginia-1"), "DATABASE_CA")).toBe(
      "https://truststore.pki.rds.amazonaws.com/us-east-1/us-east-1-bundle.pem",
    );
  });

  it("without replicas, no region but the primary has database subnets", async () => {
    const plain = await runAws({ "portage:fleet": withReplica["portage:fleet"] });
    expect(
      all(plain, A.subnet)
        .filter((s) => s.name.includes("database"))
        .map((s) => s.name),
    ).toEqual([1, 2, 3].map((i) => `network-virginia-database-${i}`));
    expect(all(plain, A.db)).toHaveLength(1);
  });
});

describe("aws: the replica's storage follows the primary's", () => {
  it("a larger database.storageGb grows the replica with the primary (RDS never grows a replica with its source)", async () => {
    const run = await runAws({ ...withReplica, "portage:database": { replicas: ["london"], storageGb: 200 } });
    expect(one(run, A.db, "database-postgres").inputs.allocatedStorage).toBe(200);
    expect(one(run, A.db, "database-london-postgres").inputs).toMatchObject({ allocatedStorage: 200, storageType: "gp3" });
  });

  it("storage autoscaling on the primary (its maxAllocatedStorage transform) autoscales the replica too", async () => {
    const run = await runOffline(() => portage({ database: { aws: { instance: { maxAllocatedStorage: 500 } } } }), {
      config: stackConfigMap({ provider: "aws", overrides: validConfig(withReplica) }),
      stack: "dev",
    });
    expect(run.error).toBeUndefined();
    const replica = run.resources.find((r) => r.type === A.db && r.name === "database-london-postgres");
    expect(replica?.inputs).toMatchObject({ allocatedStorage: 20, maxAllocatedStorage: 500 });
  });
});

describe("aws: a production replica can be removed by the update that drops it", () => {
  it("no deletion protection and no protect on the replica and its key (it holds nothing the primary lacks); the primary keeps both", async () => {
    const run = await runAws({ ...withReplica, "portage:production": true }, "prod");
    const replica = one(run, A.db, "database-london-postgres");
    expect(replica.inputs.deletionProtection).toBe(false);
    expect(replica.options.protect).toBe(false);
    expect(one(run, kms, "database-london-key").options.protect).toBe(false);
    const primary = one(run, A.db, "database-postgres");
    expect(primary.inputs.deletionProtection).toBe(true);
    expect(primary.options.protect).toBe(true);
  });
});

describe("gcp: a read replica in london", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runGcp(withReplica);
  });

  it("a Cloud SQL replica in europe-west2 following the primary, private on the same VPC and range, TLS only", () => {
    const replica = one(run, T.sqlInstance, "database-london-postgres");
    const primary = one(run, T.sqlInstance, "database-postgres");
    expect(replica.inputs).toMatchObject({
      region: "europe-west2",
      databaseVersion: "POSTGRES_16",
      masterInstanceName: primary.inputs.name ?? expect.stringMatching(/^database-postgres-/),
    });
    expect(at(replica, "settings", "ipConfiguration")).toEqual(at(primary, "settings", "ipConfiguration"));
    expect(at(replica, "settings", "ipConfiguration", "ipv4Enabled")).toBe(false);
    expect(at(replica, "settings", "tier")).toBe(at(primary, "settings", "tier"));
    expect(at(replica, "settings", "backupConfiguration", "enabled")).toBe(false);
    expect(at(replica, "settings", "databaseFlags")).toEqual(at(primary, "settings", "databaseFlags"));
  });

  it("london's nodes read the replica's secret; virginia's grant names only the stack's own", () => {
    const secret = one(run, T.secret, "secrets-database-replica-url-london");
    expect(secret.inputs.secretId).toBe("hello-dev-database-replica-url-london");
    const version = one(run, T.secretVersion, "secrets-database-replica-url-london");
    expect((reveal(version.inputs.secretData) as { secret: string }).secret).toMatch(
      /^ecto:\/\/hello:[^@]+@10\.[\d.]+:5432\/hello\?ssl=true$/,
    );
    const condition = (node: string) => String(at(one(run, T.projectMember, `fleet-${node}-secrets`), "condition", "expression"));
    expect(condition("london-1")).toContain("secrets/hello-dev-database-replica-url-london/");
    expect(condition("virginia-1")).not.toContain("replica");
    expect(secretRefs(one(run, T.instance, "fleet-london-1")).DATABASE_REPLICA_URL).toBe("hello-dev-database-replica-url-london");
    expect(secretRefs(one(run, T.instance, "fleet-virginia-1")).DATABASE_REPLICA_URL).toBeUndefined();
  });

  it("the stack's database output lists the replica by region and private address", () => {
    expect(run.outputs?.database).toMatchObject({
      replicas: [{ region: "london", cloudRegion: "europe-west2", host: expect.stringMatching(/^10\.[\d.]+$/) }],
    });
  });

  it("the replica's disk starts at the primary's size, which autoresize may have grown past storageGb", async () => {
    const primaryDisk = at(one(run, T.sqlInstance, "database-postgres"), "settings", "diskSize");
    expect(at(one(run, T.sqlInstance, "database-london-postgres"), "settings", "diskSize")).toBe(primaryDisk);
    // A primary whose disk grew to 57 GB (the mock echoes its settings as Cloud SQL reports them).
    const grown = await runOffline(
      () =>
        portage({
          database: {
            gcp: {
              instance: (args) => {
                args.settings = { ...(args.settings as object), diskSize: 57 } as typeof args.settings;
              },
            },
          },
        }),
      { config: stackConfigMap({ provider: "gcp", overrides: validConfig(withReplica) }), stack: "dev" },
    );
    expect(grown.error).toBeUndefined();
    // Cloud SQL refuses a replica smaller than its primary (terraform-google-modules/terraform-google-sql-db#338).
    expect(at(one(grown, T.sqlInstance, "database-london-postgres"), "settings", "diskSize")).toBe(57);
  });

  it("a production replica stays removable (protect and both deletion protections off), its primary protected", async () => {
    const prod = await runGcp({ ...withReplica, "portage:production": true }, "prod");
    const replica = one(prod, T.sqlInstance, "database-london-postgres");
    expect(replica.inputs.deletionProtection).toBe(false);
    expect(at(replica, "settings", "deletionProtectionEnabled")).toBe(false);
    expect(replica.options.protect).toBe(false);
    const primary = one(prod, T.sqlInstance, "database-postgres");
    expect(primary.inputs.deletionProtection).toBe(true);
    expect(at(primary, "settings", "deletionProtectionEnabled")).toBe(true);
    expect(primary.options.protect).toBe(true);
  });
});
