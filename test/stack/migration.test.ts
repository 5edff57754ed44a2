import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadSpec, migrationPhases, type Cloud, type MigrationPhase } from "../../components/config";
import { footprintPrefixes } from "../../components/migration";
import { script } from "../../components/node/scripts";
import { buildStack } from "../../stacks/program";
import { aliasUrns } from "../../tools/offline/aliases";
import { runOffline, Secret, type RecordedResource } from "../../tools/offline/run";
import { runStack, stackConfigMap, type StackConfig } from "../../tools/offline/stack";
import { bucketTypes, databaseTypes, reveal, validConfig, vmTypes } from "../support/stack";
import { checkResources } from "../../policy/check";
import { offlineResources } from "../../policy/offline";

const components = ["cloud", "network", "bucket", "database", "edge", "secrets", "fleet", "dns", "release"];
const stateful = [...databaseTypes, ...bucketTypes];

/** A production stack on `from`, two regions, with `portage:migration` in `phase` when given. */
function config(from: Cloud, to: Cloud, phase?: MigrationPhase): StackConfig {
  return validConfig({
    "portage:provider": from,
    "portage:production": true,
    "portage:fleet": { regions: ["virginia", "london"], nodesPerRegion: 2 },
    ...(phase ? { "portage:migration": { to, phase } } : {}),
  });
}

/** What `pulumi up` builds for a phase (the program as the engine runs it, validation included). */
function runPhase(from: Cloud, to: Cloud, phase: MigrationPhase) {
  return runStack({ overrides: config(from, to, phase), stackName: "prod" });
}

const topName = (byUrn: Map<string, RecordedResource>, r: RecordedResource): string => {
  const parent = r.parent ? byUrn.get(r.parent) : undefined;
  return parent ? topName(byUrn, parent) : r.name;
};

/** Inputs a finished migration may change on the source's stateful resources: protection off, a final snapshot kept, a tag saying so. */
const leavingInputs = [
  "tags",
  "settings.userLabels",
  "deletionProtection",
  "skipFinalSnapshot",
  "finalSnapshotIdentifier",
  "deleteAutomatedBackups",
  "settings.deletionProtectionEnabled",
  "settings.finalBackupConfig",
];

/**
 * A leaving source's inputs as the stack had them: without what leaving changes, and with the
 * mock runtime's name-derived values (ids, auto-names' suffixes, random values) made name-blind: the
 * engine keeps a renamed resource's id and state, the mock derives new ones from the new name.
 */
function asBeforeLeaving(from: Cloud, inputs: Record<string, unknown>): unknown {
  const renamed = new RegExp(`\\b${from}-(${components.join("|")})`, "g");
  const text = JSON.stringify(inputs, (_key, value: unknown) => (value instanceof Secret ? "[secret]" : value))
    .replace(renamed, "$1")
    .replace(/-[0-9a-f]{7}\b/g, "-<auto-name suffix>");
  const copy = JSON.parse(text) as Record<string, unknown>;
  for (const path of leavingInputs) {
    const [a, b] = path.split(".") as [string, string | undefined];
    if (b === undefined) delete copy[a];
    else if (copy[a] && typeof copy[a] === "object") delete (copy[a] as Record<string, unknown>)[b];
  }
  return copy;
}

describe.each([
  ["aws", "gcp"],
  ["gcp", "aws"],
] as const)("a production stack moving from %s to %s", async (from, to) => {
  const before = await runStack({ overrides: config(from, to), stackName: "prod" });
  const runs = new Map(await Promise.all(migrationPhases.map(async (p) => [p, await runPhase(from, to, p)] as const)));

  describe.each(migrationPhases)("in phase %s", (phase) => {
    const run = runs.get(phase)!;
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const leaving = phase === "finish";
    const sourceName = (base: string) => (leaving ? `${from}-${base}` : base);

    it("evaluates", () => expect(run.error).toBeUndefined());

    it("passes the policy pack (mandatory: the deploy workflow runs it on every update)", async () => {
      expect(await checkResources(offlineResources(run))).toEqual([]);
    });

    it(`the ${to} target stands beside the ${from} source, each footprint under its own component names`, () => {
      const tops = run.resources.filter((r) => !r.parent).map((r) => r.name);
      expect(tops.sort()).toEqual(
        ["data-guard", "vpn", "migration", ...components.map(sourceName), ...components.map((c) => `${to}-${c}`)].sort(),
      );
      const targetOf = (types: string[]) =>
        run.resources.filter((r) => types.includes(r.type) && r.type.startsWith(`${to}:`) && topName(byUrn, r).startsWith(`${to}-`));
      expect(targetOf(databaseTypes)).toHaveLength(1);
      expect(targetOf(bucketTypes).length).toBeGreaterThanOrEqual(1);
      // Two regions of two nodes, and an edge pair in each (production): the target fleet runs the release beside the source's.
      expect(targetOf(vmTypes)).toHaveLength(8);
    });

    /**
     * What a migration changes on purpose on the source, none of which replaces anything: the rollout
     * runs no Ecto migration (`migrate` is not one of the inputs that roll the fleet), and from
     * cutover its edges' routes forward (tested below).
     */
    const intended = (r: RecordedResource, inputs: unknown): unknown => {
      const copy = { ...(inputs as Record<string, unknown>) };
      if (r.type === "pulumi-nodejs:dynamic/rollout:Rollout") delete copy.migrate;
      const routes = r.name.includes("edge-routes");
      if (routes && (phase === "cutover" || phase === "finish"))
        for (const k of ["content", "sourceHash", "metadata", "triggers"]) delete copy[k];
      return copy;
    };

    it("nothing of the source is replaced or deleted: every resource it had is there, same type, same inputs", () => {
      // The data guard records the migration (it checks the next phase against it): not a cloud resource.
      for (const old of before.resources.filter((r) => r.name !== "data-guard")) {
        const name = leaving ? `${from}-${old.name}` : old.name;
        const now = run.resources.find((r) => r.type === old.type && r.name === name);
        expect(now, `${old.type} ${old.name}`).toBeDefined();
        if (!now) continue;
        // Renamed, not replaced: a leaving footprint's components answer to the names they had.
        if (leaving && !now.parent)
          expect(
            now.aliases.map((x) => x.name),
            old.name,
          ).toContain(old.name);
        // Leaving, every input derived from a mock id or name changes with the rename: the stateful ones are compared.
        if (leaving && !stateful.includes(old.type)) continue;
        const inputs = (r: RecordedResource) => (leaving ? asBeforeLeaving(from, r.inputs) : reveal(r.inputs));
        expect(intended(now, inputs(now)), `${old.type} ${old.name}`).toEqual(intended(old, inputs(old)));
      }
    });

    it(
      leaving
        ? "the source's data is kept by a final snapshot, no longer by protection"
        : "the source's database and bucket stay protected",
      () => {
        const source = run.resources.filter((r) => stateful.includes(r.type) && r.type.startsWith(`${from}:`));
        expect(source.length).toBeGreaterThanOrEqual(2);
        for (const r of source) {
          expect(r.options.protect, r.urn).toBe(!leaving);
          if (!leaving || !databaseTypes.includes(r.type)) continue;
          if (from === "aws") {
            expect(r.inputs.skipFinalSnapshot).toBe(false);
            // A random part: a stack that moves away, back and away again keeps each time's snapshot.
            expect(r.inputs.finalSnapshotIdentifier).toMatch(/^hello-prod-moved-final-[0-9a-f]+$/);
            expect(r.inputs.deleteAutomatedBackups).toBe(false);
          } else {
            expect((r.inputs.settings as { finalBackupConfig?: unknown }).finalBackupConfig).toEqual({ enabled: true, retentionDays: 30 });
          }
        }
        // A production bucket the stack lets go of stays in the cloud with its objects.
        if (leaving) for (const r of source.filter((x) => bucketTypes.includes(x.type))) expect(r.options.retainOnDelete, r.urn).toBe(true);
      },
    );

    const cancelled = phase === "cancel";
    it(
      cancelled
        ? "the target's data is no longer protected, its database kept by a final snapshot, its bucket left in the cloud"
        : "the target's stateful resources are protected (production) from the first phase",
      () => {
        const target = run.resources.filter((r) => stateful.includes(r.type) && r.type.startsWith(`${to}:`));
        expect(target.length).toBeGreaterThanOrEqual(2);
        for (const r of target) expect(r.options.protect, r.urn).toBe(!cancelled);
        if (!cancelled) return;
        const database = target.filter((r) => databaseTypes.includes(r.type));
        expect(database).toHaveLength(1);
        const db = reveal(database[0]!.inputs) as Record<string, any>;
        if (to === "aws") {
          expect(db).toMatchObject({ deletionProtection: false, skipFinalSnapshot: false, deleteAutomatedBackups: false });
          // A name of this attempt: a stack that cancels twice keeps both snapshots (RDS refuses a name taken).
          expect(db.finalSnapshotIdentifier).toMatch(/^hello-prod-cancelled-final-[0-9a-f]+$/);
        } else {
          expect(db.deletionProtection).toBe(false);
          expect(db.settings).toMatchObject({ deletionProtectionEnabled: false, finalBackupConfig: { enabled: true, retentionDays: 30 } });
        }
        // A production bucket stays in the cloud with its objects when the closing update lets go of it.
        for (const r of target.filter((x) => bucketTypes.includes(x.type))) expect(r.options.retainOnDelete, r.urn).toBe(true);
      },
    );

    const answering = phase === "cutover" || phase === "finish" ? to : from;
    it(`the outputs describe the ${answering} footprint, which answers in this phase, and name both edges`, () => {
      const out = run.outputs!;
      expect(out.provider).toBe(answering);
      expect(out.migration).toMatchObject({ from, to, phase, answering });
      expect(out.migration!.sourceEdgeAddress).not.toBe(out.migration!.targetEdgeAddress);
      expect(out.edgeAddress).toBe(answering === to ? out.migration!.targetEdgeAddress : out.migration!.sourceEdgeAddress);
      if (phase === "finish")
        expect(out.migration!.next).toBe(
          `set portage:provider ${to}, portage:addressSpace alternate and portage:fleet.regions ["virginia","london"], drop portage:migration, then pulumi up: ` +
            "the target becomes the serving footprint (renamed, nothing replaced), the source and the VPN are deleted (the source database's final snapshot is kept)",
        );
      else if (phase === "cancel")
        expect(out.migration!.next).toBe(
          `keep portage:provider ${from}, portage:addressSpace default and portage:fleet.regions ["virginia","london"], drop portage:migration, then pulumi up: ` +
            `the ${to} target and the VPN are deleted (its ${to === "aws" ? "RDS" : "Cloud SQL"} database's final snapshot is kept, ` +
            `its ${to === "aws" ? "S3" : "GCS"} bucket stays in the cloud with its objects, outside the stack); nothing of the source changes`,
        );
      else expect(out.migration!.next).toBeUndefined();
    });
  });

  describe("replicate: the data starts moving, the source keeps serving", () => {
    const run = runs.get("replicate")!;
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const under = (top: string) => run.resources.filter((r) => topName(byUrn, r) === top);
    const find = (top: string, type: string) => under(top).filter((r) => r.type === type);
    const the = (top: string, type: string, name?: string) => {
      const found = find(top, type).filter((r) => name === undefined || r.name === name);
      expect(found, `${type} ${name ?? ""} under ${top}`).toHaveLength(1);
      return found[0]!;
    };
    const inputs = (r: RecordedResource) => reveal(r.inputs) as Record<string, any>;
    /** A value whether or not the provider marks it secret. */
    const plain = (v: unknown) => (v instanceof Secret ? v.value : v);
    const objectType = { aws: "aws:s3/bucketObjectv2:BucketObjectv2", gcp: "gcp:storage/bucketObject:BucketObject" };
    const keyOf = (r: RecordedResource) => String(inputs(r)[r.type.startsWith("aws:") ? "key" : "name"]);
    /** A footprint's bucket, as its release's pointer object names it. */
    const bucketOf = (release: string, cloud: Cloud) =>
      String(inputs(find(release, objectType[cloud]).find((o) => keyOf(o) === "releases/current")!).bucket);
    const sourceBucket = bucketOf("release", from);
    const targetBucket = bucketOf(`${to}-release`, to);
    const job = the("migration", "pulumi-nodejs:dynamic/rollout:AgentCommand", "migration-replicate");
    const envEntry =
      to === "aws" ? the("migration", "aws:ssm/parameter:Parameter") : the("migration", "gcp:secretmanager/secretVersion:SecretVersion");
    const envRef =
      to === "aws" ? String(inputs(envEntry).name) : String(inputs(the("migration", "gcp:secretmanager/secret:Secret")).secretId);

    it("the two buckets are told apart (the checks below rely on it)", () => {
      expect(sourceBucket).not.toBe(targetBucket);
      expect(targetBucket).not.toBe("undefined");
    });

    it(`portage-migrate replicate runs as a job on the ${to} target's first node, through the target's bucket, once the VPN is up and the target runs the release`, () => {
      const j = inputs(job);
      const firstNode = find(`${to}-fleet`, to === "aws" ? "aws:ec2/instance:Instance" : "gcp:compute/instance:Instance")[0]!;
      expect(firstNode.name).toBe(`${to}-fleet-${String(j.agent)}`);
      expect(j.agent).toMatch(/^virginia-/);
      expect(j.user).toBe("root");
      expect(j.bucket).toEqual(
        to === "aws" ? { kind: "s3", bucket: targetBucket, region: expect.any(String) } : { kind: "gcs", bucket: targetBucket },
      );
      expect(j.argv.slice(0, 2)).toEqual(["sh", "-c"]);
      expect(j.argv.slice(3)).toEqual(["portage-migrate-job", envRef, "replicate"]);
      const deps = job.options.dependsOn.map((u) => byUrn.get(u)).filter((r): r is RecordedResource => r !== undefined);
      expect(deps.some((d) => topName(byUrn, d) === `${to}-release`)).toBe(true);
      expect(deps.some((d) => topName(byUrn, d) === "vpn" && /Tunnel|VpnConnection/.test(d.type))).toBe(true);
    });

    it("the job gets portage-migrate on its standard input from an object of the target's bucket, named by its content", () => {
      const tool = the("migration", objectType[to], "migration-tool");
      expect(inputs(job).stdinKey).toBe(keyOf(tool));
      expect(keyOf(tool)).toMatch(/^migration\/portage-migrate-[0-9a-f]{16}$/);
      expect(inputs(tool).bucket).toBe(targetBucket);
      expect(plain(tool.inputs.content)).toBe(script("portage-migrate").content);
    });

    it(`the databases' URLs reach the job only through a secret entry of the ${to} store that its node may read`, () => {
      const value = envEntry.inputs[to === "aws" ? "value" : "secretData"];
      expect(value).toBeInstanceOf(Secret);
      const text = String(plain(value));
      const rds = /@[a-z0-9.-]+\.rds\.amazonaws\.com:5432\/hello\?sslmode=require"/;
      const cloudSql = /@10\.\d+\.\d+\.\d+:5432\/hello\?sslmode=require"/;
      const at = { aws: rds, gcp: cloudSql };
      expect(text).toMatch(new RegExp(`^PORTAGE_MIGRATE_SOURCE="postgresql://hello:S3cr3t\\w+${at[from].source}`, "m"));
      expect(text).toMatch(new RegExp(`^PORTAGE_MIGRATE_TARGET="postgresql://hello:S3cr3t\\w+${at[to].source}`, "m"));
      expect(text).toMatch(/^PORTAGE_MIGRATE_CLIENT_MAJOR="\d+"$/m);
      // Nothing of a database's address or password in the job's inputs (they land in the bucket's inbox).
      expect(JSON.stringify(inputs(job))).not.toMatch(/postgres|S3cr3t/);
      if (to === "aws") {
        expect(envEntry.inputs.type).toBe("SecureString");
        // The nodes' role grants the stack's parameter path.
        const policies = JSON.stringify(find(`${to}-fleet`, "aws:iam/role:Role").map((r) => inputs(r).inlinePolicies));
        expect(policies).toContain(`parameter${envRef.replace(/MIGRATION_ENV$/, "")}*`);
      } else {
        const grant = inputs(the("migration", "gcp:secretmanager/secretIamMember:SecretIamMember"));
        expect(grant.role).toBe("roles/secretmanager.secretAccessor");
        const account = find(`${to}-fleet`, "gcp:serviceaccount/account:Account").find((a) =>
          a.name.endsWith(`-${String(inputs(job).agent)}`),
        );
        expect(grant.member).toBe(`serviceAccount:${String(inputs(account!).accountId)}@p.iam.gserviceaccount.com`);
      }
    });

    it(`the job node checks both servers with their CAs: RDS's by name (verify-full), Cloud SQL's by its chain (verify-ca)`, () => {
      const text = String(plain(envEntry.inputs[to === "aws" ? "value" : "secretData"]));
      const setting = (key: string) => new RegExp(`^${key}="([^"]*)"$`, "m").exec(text)?.[1];
      const rdsBundle = "https://truststore.pki.rds.amazonaws.com/us-east-1/us-east-1-bundle.pem";
      if (from === "aws") {
        expect([setting("PORTAGE_MIGRATE_SOURCE_CA"), setting("PORTAGE_MIGRATE_SOURCE_SSLMODE")]).toEqual([rdsBundle, "verify-full"]);
        // The target's own Cloud SQL CA, which the stack writes to the target's bucket for its nodes.
        expect([setting("PORTAGE_MIGRATE_TARGET_CA"), setting("PORTAGE_MIGRATE_TARGET_SSLMODE")]).toEqual([
          "database/server-ca.pem",
          "verify-ca",
        ]);
        expect(find("migration", objectType.aws)).toEqual([]);
      } else {
        expect([setting("PORTAGE_MIGRATE_TARGET_CA"), setting("PORTAGE_MIGRATE_TARGET_SSLMODE")]).toEqual([rdsBundle, "verify-full"]);
        // The Cloud SQL source's CA, copied into the target's bucket: the job node cannot read the source's.
        const ca = the("migration", objectType.aws, "migration-env-source-ca");
        expect([setting("PORTAGE_MIGRATE_SOURCE_CA"), setting("PORTAGE_MIGRATE_SOURCE_SSLMODE")]).toEqual([keyOf(ca), "verify-ca"]);
        expect(keyOf(ca)).toBe("migration/source-database-ca.pem");
        expect(inputs(ca).bucket).toBe(targetBucket);
        expect(String(plain(ca.inputs.content))).toMatch(/^-----BEGIN CERTIFICATE-----/);
        expect(job.options.dependsOn).toContain(ca.urn);
      }
    });

    if (from === "aws")
      it("the bucket: a Storage Transfer Service job copies the S3 bucket into the GCS one every hour, through a role Google's transfer agent assumes (no AWS key)", () => {
        const job = inputs(the("migration", "gcp:storage/transferJob:TransferJob"));
        const role = the("migration", "aws:iam/role:Role");
        expect(job.transferSpec.awsS3DataSource).toEqual({
          bucketName: sourceBucket,
          roleArn: `arn:aws:iam::123456789012:role/${role.name}`,
        });
        expect(job.transferSpec.gcsDataSink).toEqual({ bucketName: targetBucket });
        expect(job.transferSpec.objectConditions.excludePrefixes).toEqual(footprintPrefixes);
        expect(job.transferSpec.transferOptions).toMatchObject({
          deleteObjectsUniqueInSink: false,
          deleteObjectsFromSourceAfterTransfer: false,
        });
        expect(job.schedule.repeatInterval).toBe("3600s");
        const trust = JSON.parse(String(inputs(role).assumeRolePolicy));
        expect(trust.Statement).toEqual([
          expect.objectContaining({
            Principal: { Federated: "accounts.google.com" },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { "accounts.google.com:sub": "104242424242424242424" } },
          }),
        ]);
        const reads = JSON.parse(String(inputs(role).inlinePolicies[0].policy)).Statement;
        expect(reads.flatMap((s: { Action: string | string[] }) => s.Action).sort()).toEqual([
          "s3:GetBucketLocation",
          "s3:GetObject",
          "s3:ListBucket",
        ]);
        expect(reads.map((s: { Resource: string }) => s.Resource)).toEqual([
          `arn:aws:s3:::${sourceBucket}`,
          `arn:aws:s3:::${sourceBucket}/*`,
        ]);
        const sink = find("migration", "gcp:storage/bucketIAMMember:BucketIAMMember").map(inputs);
        for (const grant of sink) {
          expect(grant.bucket).toBe(targetBucket);
          expect(grant.member).toBe("serviceAccount:project-123456789@storage-transfer-service.iam.gserviceaccount.com");
        }
        expect(sink.map((g) => g.role).sort()).toEqual(["roles/storage.legacyBucketWriter", "roles/storage.objectViewer"]);
      });
    else
      it("the bucket: an agentless DataSync task (Enhanced mode) copies the GCS bucket into the S3 one every 6 hours, reading with an HMAC key kept secret", () => {
        const task = inputs(the("migration", "aws:datasync/task:Task"));
        const fromLocation = the("migration", "aws:datasync/locationObjectStorage:LocationObjectStorage");
        const into = inputs(the("migration", "aws:datasync/s3Location:S3Location"));
        expect(task).toMatchObject({ taskMode: "ENHANCED", schedule: { scheduleExpression: "rate(6 hours)" } });
        expect(task.sourceLocationArn).toMatch(/:location\/loc-/);
        expect(task.destinationLocationArn).toMatch(/:location\/loc-/);
        expect(task.sourceLocationArn).not.toBe(task.destinationLocationArn);
        expect(task.options).toMatchObject({ preserveDeletedFiles: "PRESERVE", objectTags: "NONE" });
        expect(task.excludes.value.split("|")).toEqual(footprintPrefixes.map((p) => `/${p}*`));
        expect(inputs(fromLocation)).toMatchObject({
          serverHostname: "storage.googleapis.com",
          serverProtocol: "HTTPS",
          bucketName: sourceBucket,
        });
        expect(fromLocation.inputs.agentArns).toBeUndefined();
        expect(fromLocation.inputs.secretKey).toBeInstanceOf(Secret);
        expect(into.s3BucketArn).toBe(`arn:aws:s3:::${targetBucket}`);
        const writer = the("migration", "aws:iam/role:Role");
        expect(into.s3Config.bucketAccessRoleArn).toBe(`arn:aws:iam::123456789012:role/${writer.name}`);
        expect(JSON.parse(String(inputs(writer).assumeRolePolicy)).Statement[0].Principal).toEqual({ Service: "datasync.amazonaws.com" });
        const key = inputs(the("migration", "gcp:storage/hmacKey:HmacKey"));
        const reader = inputs(the("migration", "gcp:serviceaccount/account:Account"));
        expect(key.serviceAccountEmail).toBe(`${String(reader.accountId)}@p.iam.gserviceaccount.com`);
        const reads = find("migration", "gcp:storage/bucketIAMMember:BucketIAMMember").map(inputs);
        expect(reads.map((g) => [g.bucket, g.role]).sort()).toEqual([
          [sourceBucket, "roles/storage.legacyBucketReader"],
          [sourceBucket, "roles/storage.objectViewer"],
        ]);
      });

    it("the source's database and bucket are only read: the migration writes no policy, binding or setting that replaces what they have", () => {
      // Authoritative grants would take away the source's own; database resources would restart or replace it.
      const overwriting = [/^aws:s3\/bucketPolicy/, /^gcp:storage\/bucketIAM(Binding|Policy)/, /^aws:rds\//, /^gcp:sql\//];
      for (const r of under("migration")) for (const pattern of overwriting) expect(r.type, r.name).not.toMatch(pattern);
    });
  });

  describe("the phases' steps: portage-migrate on the target's first node, in order", () => {
    const commandType = "pulumi-nodejs:dynamic/rollout:AgentCommand";
    const stepsOf = (phase: MigrationPhase) => {
      const run = runs.get(phase)!;
      const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
      const jobs = run.resources.filter((r) => r.type === commandType && topName(byUrn, r) === "migration");
      return { run, byUrn, jobs, argv: (r: RecordedResource) => (reveal(r.inputs) as { argv: string[] }).argv.slice(5) };
    };
    const expected: Record<MigrationPhase, string[][]> = {
      replicate: [["replicate"]],
      cutover: [["replicate"], ["cutover", "60"]],
      rollback: [["replicate"], ["rollback", "60"]],
      finish: [["replicate"], ["cutover", "60"], ["finish"]],
      // A replicate that failed (check refused) must not run again before the cancel.
      cancel: [["cancel"]],
    };

    it.each(migrationPhases)("%s: its steps, each waiting for the one before", (phase) => {
      const { jobs, argv, byUrn } = stepsOf(phase);
      expect(jobs.map(argv)).toEqual(expected[phase]);
      for (const [i, job] of jobs.entries()) {
        const agents = new Set(jobs.map((j) => (reveal(j.inputs) as { agent: string }).agent));
        expect(agents.size).toBe(1);
        if (i === 0) continue;
        const deps = job.options.dependsOn.map((u) => byUrn.get(u)?.name);
        expect(deps, argv(job).join(" ")).toContain(jobs[i - 1]!.name);
      }
    });

    it("a step keeps its inputs from one phase to the next (it never runs twice by accident) and runs again when it comes back", () => {
      const inputsOf = (phase: MigrationPhase, name: string) =>
        JSON.stringify(reveal(stepsOf(phase).jobs.find((j) => j.name === name)?.inputs));
      expect(inputsOf("finish", "migration-replicate")).toBe(inputsOf("replicate", "migration-replicate"));
      expect(inputsOf("finish", "migration-cutover")).toBe(inputsOf("cutover", "migration-cutover"));
      // rollback has no cutover step: cutover after a rollback creates it again, which runs it.
      expect(stepsOf("rollback").jobs.map((j) => j.name)).not.toContain("migration-cutover");
    });

    it("the bucket's copy runs while the source takes the writes, is paused from cutover (it would copy old objects over new ones), and is gone at cancel", () => {
      const status = (phase: MigrationPhase) => {
        const { run } = stepsOf(phase);
        const job =
          from === "aws"
            ? run.resources.find((r) => r.type === "gcp:storage/transferJob:TransferJob")?.inputs.status
            : (run.resources.find((r) => r.type === "aws:datasync/task:Task")?.inputs.schedule as { status?: string } | undefined)?.status;
        return job;
      };
      expect(migrationPhases.map((p) => [p, status(p)])).toEqual(
        migrationPhases.map((p) => [p, p === "replicate" || p === "rollback" ? "ENABLED" : p === "cancel" ? undefined : "DISABLED"]),
      );
    });

    /** A bucket run waits for the phase's database step and every routes push of the source's edges. */
    const expectAfterSwitch = (pass: RecordedResource, phase: "cutover" | "rollback") => {
      const { run, byUrn } = stepsOf(phase);
      expect(pass.options.dependsOn.map((u) => byUrn.get(u)?.name)).toContain(`migration-${phase}`);
      const routes = run.resources.filter(
        (r) => r.type === commandType && r.name.includes("edge-routes") && topName(byUrn, r) === "release",
      );
      expect(routes.length).toBeGreaterThanOrEqual(2);
      for (const r of routes) expect(pass.options.dependsOn).toContain(r.urn);
    };

    it("the bucket's last pass exists from cutover, kept unchanged through finish: the transfer once more, after the switch, the paused schedule and the forwarding", () => {
      const passType = "pulumi-nodejs:dynamic/migration:BucketLastPass";
      const passes = (phase: MigrationPhase) =>
        runs.get(phase)!.resources.filter((r) => r.type === passType && r.name === "migration-bucket-last-pass");
      expect(migrationPhases.map((p) => [p, passes(p).length])).toEqual(
        migrationPhases.map((p) => [p, p === "cutover" || p === "finish" ? 1 : 0]),
      );
      const { run, byUrn } = stepsOf("cutover");
      const pass = passes("cutover")[0]!;
      const transfer = (reveal(pass.inputs) as { transfer: Record<string, unknown> }).transfer;
      if (from === "aws") {
        const job = run.resources.find((r) => r.type === "gcp:storage/transferJob:TransferJob")!;
        expect(transfer).toEqual({
          kind: "storage-transfer",
          project: String(job.inputs.project),
          job: expect.stringMatching(/^transferJobs\//),
        });
        expect(pass.options.dependsOn).toContain(job.urn);
      } else {
        const task = run.resources.find((r) => r.type === "aws:datasync/task:Task")!;
        expect(transfer).toEqual({
          kind: "datasync",
          region: "us-east-1",
          taskArn: expect.stringMatching(/^arn:aws:datasync:us-east-1:\d{12}:task\/task-/),
        });
        expect(pass.options.dependsOn).toContain(task.urn);
      }
      // After the switch and every push of the source's edges' routes (the forwarding): the source's app takes no more writes.
      expectAfterSwitch(pass, "cutover");
      // finish keeps every input: the pass never runs twice by accident.
      expect(JSON.stringify(reveal(passes("finish")[0]!.inputs))).toBe(JSON.stringify(reveal(pass.inputs)));
      expect((reveal(pass.inputs) as { timeoutSeconds: number }).timeoutSeconds).toBeGreaterThan(0);
    });

    it("rollback copies the target's bucket back into the source's once, after the switch back and the source's edges serve again; no other phase does", () => {
      const passType = "pulumi-nodejs:dynamic/migration:BucketLastPass";
      const named = (phase: MigrationPhase, name: string) => runs.get(phase)!.resources.filter((r) => r.name.startsWith(name));
      for (const phase of migrationPhases.filter((p) => p !== "rollback")) expect(named(phase, "migration-bucket-back"), phase).toEqual([]);
      const { run, byUrn } = stepsOf("rollback");
      const pass = run.resources.find((r) => r.type === passType)!;
      expect(pass.name).toBe("migration-bucket-copy-back");
      expect((reveal(pass.inputs) as { purpose: string }).purpose).toBe("copy-back");
      const transfer = (reveal(pass.inputs) as { transfer: Record<string, unknown> }).transfer;
      const bucketOf = (top: string) => {
        const pointer = run.resources.find(
          (r) => topName(byUrn, r) === top && /bucketObject/i.test(r.type) && [r.inputs.key, r.inputs.name].includes("releases/current"),
        )!;
        return String(pointer.inputs.bucket);
      };
      const [sourceBucket, targetBucket] = [bucketOf("release"), bucketOf(`${to}-release`)];
      expect(sourceBucket).not.toBe(targetBucket);
      const back = named("rollback", "migration-bucket-back");
      if (from === "aws") {
        // Into S3 (the source) from GCS (the target): a DataSync task, never scheduled.
        const task = back.find((r) => r.type === "aws:datasync/task:Task")!;
        expect(task.inputs.schedule).toMatchObject({ status: "DISABLED" });
        expect(task.inputs.options).toMatchObject({ preserveDeletedFiles: "PRESERVE" });
        expect(back.find((r) => r.type === "aws:datasync/locationObjectStorage:LocationObjectStorage")!.inputs.bucketName).toBe(
          targetBucket,
        );
        expect(back.find((r) => r.type === "aws:datasync/s3Location:S3Location")!.inputs.s3BucketArn).toBe(`arn:aws:s3:::${sourceBucket}`);
        expect(transfer).toMatchObject({ kind: "datasync", region: "us-east-1" });
        expect(pass.options.dependsOn).toContain(task.urn);
      } else {
        // Into GCS (the source) from S3 (the target): a Storage Transfer job, never scheduled.
        const job = back.find((r) => r.type === "gcp:storage/transferJob:TransferJob")!;
        const spec = reveal(job.inputs) as Record<string, any>;
        expect(spec.status).toBe("DISABLED");
        expect(spec.transferSpec.awsS3DataSource.bucketName).toBe(targetBucket);
        expect(spec.transferSpec.gcsDataSink).toEqual({ bucketName: sourceBucket });
        expect(spec.transferSpec.transferOptions).toMatchObject({
          deleteObjectsUniqueInSink: false,
          deleteObjectsFromSourceAfterTransfer: false,
        });
        expect(transfer).toMatchObject({ kind: "storage-transfer", job: expect.stringMatching(/^transferJobs\//) });
        expect(pass.options.dependsOn).toContain(job.urn);
      }
      expectAfterSwitch(pass, "rollback");
      // The copy until cutover stays as it was, resumed (the source takes the writes again).
      expect(run.resources.filter((r) => r.name === "migration-bucket")).toHaveLength(1);
    });

    it("finish with a domain waits for the domain to leave the source's edges (checked from the operator's machine)", async () => {
      const withDomain = await runOffline(() => buildStack(loadSpec()), {
        config: stackConfigMap({
          overrides: {
            ...config(from, to, "finish"),
            "portage:edge": { domain: "app.example.com", acmeEmail: "ops@example.com" },
          },
        }),
        stack: "prod",
      });
      expect(withDomain.error).toBeUndefined();
      const check = withDomain.resources.find((r) => r.type === "pulumi-nodejs:dynamic/migration:DomainMoved");
      expect(check).toBeDefined();
      const inputs = reveal(check!.inputs) as { domain: string; sourceAddresses: string[] };
      expect(inputs.domain).toBe("app.example.com");
      expect(inputs.sourceAddresses.length).toBeGreaterThanOrEqual(1);
      const finishJob = withDomain.resources.find((r) => r.type === commandType && r.name === "migration-finish")!;
      expect(finishJob.options.dependsOn).toContain(check!.urn);
      // Without a domain there is nothing to resolve: clients reach the edges by address.
      expect(runs.get("finish")!.resources.some((r) => r.type === "pulumi-nodejs:dynamic/migration:DomainMoved")).toBe(false);
    });
  });

  describe("cancel: the source serves alone, the target's copy is disposable", () => {
    const run = runs.get("cancel")!;
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const under = (top: string) => run.resources.filter((r) => topName(byUrn, r) === top);
    const job = under("migration").find((r) => r.type === "pulumi-nodejs:dynamic/rollout:AgentCommand")!;
    const inputs = reveal(job.inputs) as { agent: string; argv: string[]; user: string; stdinKey: string };
    const replicateJob = runs
      .get("replicate")!
      .resources.find((r) => r.type === "pulumi-nodejs:dynamic/rollout:AgentCommand" && r.name === "migration-replicate")!;

    it(`portage-migrate cancel runs as root on the ${to} target's first node, the same node and tool as replicate`, () => {
      expect(job.name).toBe("migration-cancel");
      const replicate = reveal(replicateJob.inputs) as typeof inputs;
      expect(inputs.agent).toBe(replicate.agent);
      expect(inputs.agent).toMatch(/^virginia-1$/);
      expect(inputs.user).toBe("root");
      expect(inputs.stdinKey).toBe(replicate.stdinKey);
      expect(inputs.argv.slice(3)).toEqual([replicate.argv[3], replicate.argv[4], "cancel"]);
    });

    it("it waits for what it crosses and reads: the VPN's tunnels, the databases' URLs, the target's release, both databases", () => {
      const deps = job.options.dependsOn.map((u) => byUrn.get(u)).filter((r): r is RecordedResource => r !== undefined);
      expect(deps.some((d) => topName(byUrn, d) === "vpn" && /Tunnel|VpnConnection/.test(d.type))).toBe(true);
      expect(deps.some((d) => topName(byUrn, d) === `${to}-release`)).toBe(true);
      expect(deps.some((d) => topName(byUrn, d) === "migration" && /ssm\/parameter|secretVersion/.test(d.type))).toBe(true);
      const databases = deps.filter((d) => databaseTypes.includes(d.type));
      expect(new Set(databases.map((d) => topName(byUrn, d)))).toEqual(new Set(["database", `${to}-database`]));
    });

    it("the bucket's copy and everything that read the source bucket for it are gone", () => {
      const copy = /transferJob|datasync|hmacKey|bucketIAMMember|iam\/role:Role|serviceaccount\/account/;
      expect(
        under("migration")
          .filter((r) => copy.test(r.type))
          .map((r) => r.type),
      ).toEqual([]);
      // They existed before: the cancel deletes them.
      const before = runs.get("rollback")!;
      const beforeByUrn = new Map(before.resources.map((r) => [r.urn, r]));
      expect(before.resources.filter((r) => topName(beforeByUrn, r) === "migration" && copy.test(r.type)).length).toBeGreaterThanOrEqual(3);
    });

    it.each(["replicate", "rollback"] as const)(
      "from %s: nothing of the source changes (same resources, inputs and protection)",
      (previous) => {
        const was = runs.get(previous)!;
        const wasByUrn = new Map(was.resources.map((r) => [r.urn, r]));
        const mine = (r: RecordedResource, index: Map<string, RecordedResource>) => {
          const top = topName(index, r);
          return !top.startsWith(`${to}-`) && !["vpn", "migration", "data-guard"].includes(top);
        };
        const source = was.resources.filter((r) => mine(r, wasByUrn));
        expect(source.length).toBeGreaterThan(40);
        const now = new Map(run.resources.filter((r) => mine(r, byUrn)).map((r) => [r.urn, r]));
        expect([...now.keys()].sort()).toEqual(source.map((r) => r.urn).sort());
        for (const r of source) {
          const c = now.get(r.urn)!;
          expect(c.type, r.urn).toBe(r.type);
          expect(c.options.protect, r.urn).toBe(r.options.protect);
          expect(reveal(c.inputs), r.urn).toEqual(reveal(r.inputs));
        }
      },
    );
  });

  describe("traffic: the source's edges forward from cutover, once the database switched", () => {
    const routesOf = (phase: MigrationPhase) => {
      const run = runs.get(phase)!;
      const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
      const top = phase === "finish" ? `${from}-release` : "release";
      const files = run.resources.filter((r) => r.name.includes("edge-routes") && r.name.endsWith("-file") && topName(byUrn, r) === top);
      const commands = run.resources.filter(
        (r) => r.type === "pulumi-nodejs:dynamic/rollout:AgentCommand" && r.name.includes("edge-routes") && topName(byUrn, r) === top,
      );
      const text = (r: RecordedResource) => String((r.inputs.content instanceof Secret ? r.inputs.content.value : r.inputs.content) ?? "");
      return { run, byUrn, files, commands, text };
    };

    it.each(["cutover", "finish"] as const)("%s: the edges that reach the VPN send every request to the target's edge", (phase) => {
      const { files, text } = routesOf(phase);
      expect(files.length).toBeGreaterThanOrEqual(2);
      const forwarding = files.filter((f) => text(f).includes("default_backend forward"));
      // AWS's edges outside the primary region have no path to the VPN (peering is not transitive).
      expect(forwarding.length).toBe(from === "gcp" ? files.length : files.filter((f) => !f.name.includes("london")).length);
      const targets = new Set(forwarding.map((f) => /server target-edge (10\.\d+\.\d+\.\d+):80 /.exec(text(f))?.[1]));
      expect(targets.size).toBe(1);
      expect([...targets][0]).toMatch(/^10\./);
    });

    it.each(["cutover", "rollback"] as const)("%s: every routes push waits for the database's step", (phase) => {
      const { commands, byUrn } = routesOf(phase);
      expect(commands.length).toBeGreaterThanOrEqual(2);
      for (const c of commands)
        expect(
          c.options.dependsOn.map((u) => byUrn.get(u)?.name),
          c.name,
        ).toContain(`migration-${phase}`);
    });

    it("rollback and replicate: the source's edges serve with their own nodes", () => {
      for (const phase of ["replicate", "rollback"] as const) {
        const { files, text } = routesOf(phase);
        for (const f of files) expect(text(f), `${phase} ${f.name}`).toContain("default_backend app");
      }
    });

    it("no Ecto migration runs on either fleet while the migration stands (schema changes are not replicated)", () => {
      for (const phase of migrationPhases) {
        const rollouts = runs.get(phase)!.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/rollout:Rollout");
        expect(rollouts, phase).toHaveLength(2);
        for (const r of rollouts) expect(r.inputs.migrate, `${phase} ${r.name}`).toBeNull();
      }
      expect(before.resources.find((r) => r.type === "pulumi-nodejs:dynamic/rollout:Rollout")?.inputs.migrate).not.toBeNull();
    });
  });
});

/** The source's edges' routes files in a phase, parsed as Traefik reads them. */
function traefikRoutesIn(run: Awaited<ReturnType<typeof runPhase>>, phase: MigrationPhase, from: Cloud) {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const top = phase === "finish" ? `${from}-release` : "release";
  return run.resources
    .filter((r) => r.name.includes("edge-routes") && r.name.endsWith("-file") && topName(byUrn, r) === top)
    .map((r) => {
      const content = String((r.inputs.content instanceof Secret ? r.inputs.content.value : r.inputs.content) ?? "");
      type Lb = { loadBalancer?: { servers: { url?: string; address?: string }[]; serversTransport?: string } };
      const config = parse(content) as {
        http: { routers: Record<string, { service: string }>; services: Record<string, Lb>; serversTransports?: Record<string, object> };
        tcp?: { services: Record<string, Lb> };
      };
      return { name: r.name, content, config };
    });
}

describe.each([
  ["aws", "gcp"],
  ["gcp", "aws"],
] as const)("a stack with Traefik edges moving from %s to %s: the source's edges forward from cutover", async (from, to) => {
  const traefik = (phase: MigrationPhase, more: StackConfig = {}) =>
    runOffline(() => buildStack(loadSpec()), {
      config: stackConfigMap({ overrides: { ...config(from, to, phase), "portage:edge": { kind: "traefik" }, ...more } }),
      stack: "prod",
    });
  const runs = new Map(await Promise.all((["cutover", "rollback", "finish"] as const).map(async (p) => [p, await traefik(p)] as const)));

  it.each(["cutover", "finish"] as const)("%s: the edges that reach the VPN send every request to the target edge's port 80", (phase) => {
    const run = runs.get(phase)!;
    expect(run.error).toBeUndefined();
    const files = traefikRoutesIn(run, phase, from);
    expect(files.length).toBeGreaterThanOrEqual(2);
    const forwarding = files.filter((f) => f.config.http.services.forward);
    // AWS's edges outside the primary region have no path to the VPN (peering is not transitive).
    expect(forwarding.length).toBe(from === "gcp" ? files.length : files.filter((f) => !f.name.includes("london")).length);
    for (const f of forwarding) expect(Object.values(f.config.http.routers).map((r) => r.service)).toEqual(["forward"]);
    const targets = new Set(forwarding.map((f) => f.config.http.services.forward?.loadBalancer?.servers.map((s) => s.url).join()));
    expect(targets.size).toBe(1);
    expect([...targets][0]).toMatch(/^http:\/\/10\.\d+\.\d+\.\d+:80$/);
    // The others keep serving their own nodes.
    for (const f of files.filter((f) => !forwarding.includes(f))) expect(f.content).not.toContain("forward");
  });

  it("rollback: every source edge serves its own nodes again", () => {
    const run = runs.get("rollback")!;
    expect(run.error).toBeUndefined();
    const files = traefikRoutesIn(run, "rollback", from);
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      expect(f.config.http.services.forward, f.name).toBeUndefined();
      expect(f.config.http.services.app?.loadBalancer?.servers.length, f.name).toBeGreaterThan(0);
      expect(f.config.tcp, f.name).toBeUndefined();
    }
  });

  it("cutover with a domain (one edge): HTTPS to the target edge with the domain as SNI, and port 80 whole to the target (its ACME challenges)", async () => {
    // Traefik keeps its certificate on its own edge: a domain means one region and one edge.
    const run = await traefik("cutover", {
      "portage:edge": { kind: "traefik", domain: "app.example.com", acmeEmail: "ops@example.com", count: 1 },
      "portage:fleet": { regions: ["virginia"], nodesPerRegion: 2 },
    });
    expect(run.error).toBeUndefined();
    const files = traefikRoutesIn(run, "cutover", from);
    expect(files).toHaveLength(1);
    const { config } = files[0]!;
    const address = /^https:\/\/(10\.\d+\.\d+\.\d+):443$/.exec(config.http.services.forward?.loadBalancer?.servers[0]?.url ?? "")?.[1];
    expect(address).toBeDefined();
    expect(config.http.serversTransports).toEqual({ forward: { serverName: "app.example.com", insecureSkipVerify: true } });
    expect(config.tcp?.services["forward-web"]?.loadBalancer?.servers).toEqual([{ address: `${address}:80` }]);
  });
});

describe.each([
  ["aws", "gcp"],
  ["gcp", "aws"],
] as const)("closing a migration from %s to %s (after finish: portage:provider the target, no portage:migration)", async (from, to) => {
  const finish = await runPhase(from, to, "finish");
  const closed = await runStack({
    overrides: { ...config(from, to), "portage:provider": to, "portage:addressSpace": "alternate" },
    stackName: "prod",
  });
  const aliases = aliasUrns(closed.resources);
  const answers = new Map(closed.resources.map((r) => [r.urn, r]));
  for (const r of closed.resources) for (const a of aliases.get(r.urn) ?? []) if (!answers.has(a)) answers.set(a, r);
  const byUrn = new Map(finish.resources.map((r) => [r.urn, r]));

  it("evaluates", () => expect(closed.error).toBeUndefined());

  it("the target becomes the serving footprint by renames: every resource it had answers, none replaced", () => {
    const target = finish.resources.filter((r) => topName(byUrn, r).startsWith(`${to}-`));
    expect(target.length).toBeGreaterThan(40);
    for (const r of target) expect(answers.get(r.urn)?.type, r.urn).toBe(r.type);
  });

  it("the values the stack generated (sessions, the cluster's cookie, the edge password) are taken over from the leaving source", () => {
    const generated = finish.resources.filter(
      (r) => r.type === "random:index/randomPassword:RandomPassword" && r.name.startsWith(`${from}-secrets-`),
    );
    expect(generated.map((r) => r.name).sort()).toEqual(
      ["edge-admin-password", "release-cookie", "secret-key-base"].map((id) => `${from}-secrets-${id}`),
    );
    for (const r of generated) expect(answers.get(r.urn)?.name, r.urn).toBe(r.name.replace(`${from}-`, ""));
  });

  it("the leaving source's database and bucket answer to nothing: the closing update deletes them (kept by their final snapshot)", () => {
    const source = finish.resources.filter((r) => stateful.includes(r.type) && r.type.startsWith(`${from}:`));
    expect(source.length).toBeGreaterThanOrEqual(2);
    for (const r of source) expect(answers.get(r.urn), r.urn).toBeUndefined();
  });
});

describe.each([
  ["aws", "gcp"],
  ["gcp", "aws"],
] as const)("closing a cancelled migration from %s to %s (portage:migration dropped, the rest as it was)", async (from, to) => {
  const cancelled = await runPhase(from, to, "cancel");
  const closed = await runStack({ overrides: config(from, to), stackName: "prod" });
  const byUrn = new Map(cancelled.resources.map((r) => [r.urn, r]));
  const answers = new Map(closed.resources.map((r) => [r.urn, r]));
  const leaves = cancelled.resources.filter((r) => !answers.has(r.urn));

  it("evaluates", () => expect(closed.error).toBeUndefined());

  it(`deletes the ${to} target, the VPN and the migration's resources, and only those`, () => {
    expect(new Set(leaves.map((r) => topName(byUrn, r)))).toEqual(new Set(["vpn", "migration", ...components.map((c) => `${to}-${c}`)]));
    expect(leaves.length).toBeGreaterThan(60);
  });

  it("nothing it deletes is protected: the closing update goes through", () => {
    expect(leaves.filter((r) => r.options.protect).map((r) => r.urn)).toEqual([]);
  });

  it("changes nothing of the source: every resource it has answers with the same type, inputs and protection", () => {
    const stays = cancelled.resources.filter((r) => answers.has(r.urn));
    expect(stays.map((r) => r.urn).sort()).toEqual(closed.resources.map((r) => r.urn).sort());
    for (const r of stays) {
      const now = answers.get(r.urn)!;
      expect(now.type, r.urn).toBe(r.type);
      expect(now.options.protect, r.urn).toBe(r.options.protect);
      // The one input the migration held back: the rollout runs the release's Ecto migrations again (not an input that rolls the fleet).
      const inputs = (x: RecordedResource) => {
        const copy = { ...(reveal(x.inputs) as Record<string, unknown>) };
        if (x.type === "pulumi-nodejs:dynamic/rollout:Rollout") delete copy.migrate;
        return copy;
      };
      // The data guard records the migration: not a cloud resource.
      if (r.name !== "data-guard") expect(inputs(now), r.urn).toEqual(inputs(r));
    }
  });
});
