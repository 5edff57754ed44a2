import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parseStackConfig, type Spec } from "../../components/config";
import { DataGuard, dataLossRefusals, guardedState, type GuardedState } from "../../components/guard";
import { runOffline } from "../../tools/offline/run";
import { placeholderReleaseFor } from "../../tools/offline/release-fixture";
import { placeholderRelease } from "../../tools/offline/stack";

const access = {
  adminCidrs: ["203.0.113.10/32"],
  sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExbxDw9EbFfV1Nt2iyONpbDfB1y1D6RjGSEjZph2L9u you@example.com",
};

function spec(overrides: Record<string, unknown> = {}, stack = "dev"): Spec {
  const config: Record<string, string> = {
    "portage:app": JSON.stringify({ release: placeholderRelease }),
    "portage:access": JSON.stringify(access),
    "gcp:project": "p",
  };
  for (const [key, value] of Object.entries(overrides)) config[key] = typeof value === "string" ? value : JSON.stringify(value);
  return parseStackConfig(config, { project: "portage", stack, cwd: "." });
}

const state = (overrides: Record<string, unknown> = {}, stack = "dev"): GuardedState => guardedState(spec(overrides, stack));

describe("the data guard", () => {
  describe("a major version upgrade with read replicas (database.replicas)", () => {
    const fleet = { "portage:fleet": { regions: ["virginia", "london"] } };
    const db = (version: string, replicas: string[]) => state({ ...fleet, "portage:database": { version, replicas } }, "prod");

    it.each([
      ["kept", ["london"], ["london"]],
      ["removed in the same update", ["london"], []],
      ["added in the same update", [], ["london"]],
    ])("is refused when the replicas are %s, naming the three updates that do it", (_, before, after) => {
      const [reason, ...more] = dataLossRefusals(db("15", before), db("16", after));
      expect(more).toEqual([]);
      expect(reason).toContain('portage:database.version changed from "15" to "16" while the database has read replicas');
      expect(reason).toContain('(portage:database.replicas: "london")');
      expect(reason).toContain("set portage:database.replicas to [] and run pulumi up");
    });

    it("goes ahead without replicas, and replicas without a version change go ahead", () => {
      expect(dataLossRefusals(db("15", []), db("16", []))).toEqual([]);
      expect(dataLossRefusals(db("16", []), db("16", ["london"]))).toEqual([]);
      expect(dataLossRefusals(db("16", ["london"]), db("16", []))).toEqual([]);
    });
  });

  it("lets the first update of a stack through", () => {
    expect(dataLossRefusals(undefined, state())).toEqual([]);
  });

  it("refuses a provider switch on a stack that holds data, saying what would be lost and how to move it", () => {
    const [reason, ...more] = dataLossRefusals(state(), state({ "portage:provider": "gcp" }));
    expect(more).toEqual([]);
    expect(reason).toContain("portage:provider changed from aws to gcp: this would delete");
    expect(reason).toContain('the Postgres database "hello" (RDS in us-east-1) and the bucket (S3 in us-east-1)');
    expect(reason).toContain('keep portage:provider aws and set portage:migration to {"to": "gcp", "phase": "replicate"}');
    expect(reason).toContain("set portage:allowDataLoss true");
  });

  it("lets a dev stack switch when the user allows data loss", () => {
    expect(dataLossRefusals(state(), state({ "portage:provider": "gcp", "portage:allowDataLoss": "true" }))).toEqual([]);
  });

  it("never switches a production stack's provider in place, even when data loss is allowed", () => {
    const prod = { "portage:production": "true" };
    const [reason] = dataLossRefusals(
      state(prod, "prod"),
      state({ ...prod, "portage:provider": "gcp", "portage:allowDataLoss": "true" }, "prod"),
    );
    expect(reason).toContain("A production stack never switches provider in place");
  });

  it("refuses, in production, a change that replaces the database: its region or its name", () => {
    const prod = { "portage:production": "true", "portage:provider": "gcp" };
    const before = state(prod, "prod");
    expect(dataLossRefusals(before, state({ ...prod, "portage:fleet": { regions: ["london"] } }, "prod")).join("\n")).toContain(
      'the database region (the first of portage:fleet.regions) changed from "us-east4" to "europe-west2"',
    );
    expect(
      dataLossRefusals(
        before,
        state({ ...prod, "portage:app": { release: placeholderReleaseFor({ name: "shop" }), name: "shop" } }, "prod"),
      )[0],
    ).toContain('the database name (portage:app.name) changed from "hello" to "shop"');
  });

  it.each(["aws", "gcp"])(
    "lets %s upgrade a major version in place in production, and lets the user allow a production replacement",
    (cloud) => {
      const prod = { "portage:production": "true", "portage:provider": cloud };
      expect(dataLossRefusals(state(prod, "prod"), state({ ...prod, "portage:database": { version: "17" } }, "prod"))).toEqual([]);
      const moved = { ...prod, "portage:fleet": { regions: ["london"] }, "portage:allowDataLoss": "true" };
      expect(dataLossRefusals(state(prod, "prod"), state(moved, "prod"))).toEqual([]);
    },
  );

  it.each(["aws", "gcp"])("refuses a major version downgrade on %s in every stack: no service can make it", (cloud) => {
    const db = (version: string) => ({ "portage:provider": cloud, "portage:database": { version } });
    const [reason, ...more] = dataLossRefusals(state(db("16")), state(db("15")));
    expect(more).toEqual([]);
    expect(reason).toContain('portage:database.version changed from "16" to "15"');
    expect(reason).toContain("cannot downgrade a major version");
    expect(dataLossRefusals(state(db("16")), state({ ...db("15"), "portage:allowDataLoss": "true" }))).toHaveLength(1);
  });

  it("refuses RDS storage that shrinks or grows by less than 10 %, as RDS does, and lets it grow by 10 %", () => {
    const storage = (storageGb: number) => ({ "portage:database": { storageGb } });
    expect(dataLossRefusals(state(storage(100)), state(storage(50)))[0]).toContain(
      "RDS cannot shrink a database's storage. Keep 100 or more.",
    );
    expect(dataLossRefusals(state(storage(100)), state(storage(105)))[0]).toContain("at least 10 % at a time; use 110 or more");
    expect(dataLossRefusals(state(storage(100)), state(storage(110)))).toEqual([]);
    // Cloud SQL grows its disk by itself; storageGb is only its initial size there.
    const gcp = (storageGb: number) => ({ "portage:provider": "gcp", ...storage(storageGb) });
    expect(dataLossRefusals(state(gcp(100)), state(gcp(50)))).toEqual([]);
  });

  it("reads a state written before storage was guarded", () => {
    const old = state();
    delete old.database.storageGb;
    expect(dataLossRefusals(old, state({ "portage:database": { storageGb: 21 } }))).toEqual([]);
  });

  it("leaves dev stacks free to replace their database", () => {
    expect(dataLossRefusals(state(), state({ "portage:fleet": { regions: ["london"] } }))).toEqual([]);
  });

  it("is what the engine runs: the provider serialized into the stack refuses a switch in check()", async () => {
    const run = await runOffline(() => ({ id: new DataGuard("data-guard", spec()).id }), { config: {} });
    expect(run.error).toBeUndefined();
    const [guard] = run.resources;
    expect(guard?.type).toBe("pulumi-nodejs:dynamic/guard:DataGuard");
    // The engine's dynamic-provider host loads the provider exactly like this.
    const requireFromString = createRequire(require.resolve("@pulumi/pulumi"))("require-from-string") as (code: string) => {
      handler(): { check(o: unknown, n: unknown): Promise<{ failures: { property: string; reason: string }[] }> };
    };
    const engineSide = requireFromString(String(guard?.inputs.__provider)).handler();
    const { failures } = await engineSide.check(state(), state({ "portage:provider": "gcp" }));
    expect(failures).toHaveLength(1);
    expect(failures[0]?.reason).toContain("portage:provider changed from aws to gcp");
    expect((await engineSide.check(state(), state())).failures).toEqual([]);
  });
});
