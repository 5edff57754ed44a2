/**
 * The example app verifies its database the way the README's runtime.exs lines make a Phoenix app do
 * (`verify: :verify_peer` against DATABASE_CA_FILE, the host name checked): against a local Postgres
 * (Debian's postgresql) serving a certificate from a test CA of its own. With that CA the app
 * connects and the server answers over the verified channel; with another CA's file it refuses.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRelease } from "../../lab/fleet/release";
import { must, run, waitFor } from "../../lab/fleet/run";
import { freePorts } from "../../lab/scratch/scratch";

const pgBin = join("/usr/lib/postgresql", readdirSync("/usr/lib/postgresql").sort().at(-1) ?? "15", "bin");

describe("the example app and a Postgres with its own CA", () => {
  const dir = mkdtempSync("/tmp/portage-db-tls-");
  let port = 0;
  let server: ChildProcess | undefined;
  let app = "";

  /** A CA (self-signed, CA:TRUE) and, when `server` is set, a server certificate for localhost signed by it. */
  async function authority(name: string, server?: string): Promise<void> {
    const at = (f: string) => join(dir, f);
    await must(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"].concat([
        "-keyout",
        at(`${name}.key`),
        "-out",
        at(`${name}.pem`),
        "-subj",
        `/CN=portage test ${name}`,
      ]),
    );
    if (!server) return;
    writeFileSync(at("server.ext"), "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
    await must(
      "openssl",
      ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", at(`${server}.key`)].concat([
        "-out",
        at(`${server}.csr`),
        "-subj",
        "/CN=localhost",
      ]),
    );
    await must(
      "openssl",
      ["x509", "-req", "-in", at(`${server}.csr`), "-CA", at(`${name}.pem`), "-CAkey", at(`${name}.key`)].concat([
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        at("server.ext"),
        "-out",
        at(`${server}.pem`),
      ]),
    );
  }

  /** `Hello.Database.check()` in the release, as the running app calls it for GET /db. */
  const check = (caFile: string) =>
    run(join(app, "bin", "hello"), ["eval", "IO.puts(inspect(Hello.Database.check(), width: :infinity))"], {
      env: { ...process.env, DATABASE_URL: `ecto://postgres@localhost:${port}/postgres`, DATABASE_CA_FILE: caFile },
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    [port = 0] = await freePorts(1);
    await authority("ca", "server");
    await authority("other-ca");
    // Postgres runs as its own user, never root, and reads a key only its owner can read.
    const uid = Number((await must("id", ["-u", "postgres"])).trim());
    const gid = Number((await must("id", ["-g", "postgres"])).trim());
    chmodSync(dir, 0o755);
    for (const f of ["server.key", "server.pem"]) chownSync(join(dir, f), uid, gid);
    chmodSync(join(dir, "server.key"), 0o600);
    const data = join(dir, "data");
    mkdirSync(data, { mode: 0o700 });
    chownSync(data, uid, gid);
    // The server's socket directory (-k) must be writable by it too.
    const sockets = join(dir, "sockets");
    mkdirSync(sockets);
    chownSync(sockets, uid, gid);
    await must("runuser", ["-u", "postgres", "--", join(pgBin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres"]);
    server = spawn(
      "runuser",
      ["-u", "postgres", "--", join(pgBin, "postgres"), "-D", data, "-k", sockets, "-p", String(port)].concat(
        ["-c", "listen_addresses=127.0.0.1", "-c", "ssl=on", "-c", `ssl_cert_file=${join(dir, "server.pem")}`],
        ["-c", `ssl_key_file=${join(dir, "server.key")}`],
      ),
      { stdio: "ignore" },
    );
    await waitFor(
      "postgres to accept connections",
      async () => ((await run(join(pgBin, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port)])).code === 0 ? true : undefined),
      30_000,
    );
    const release = await buildRelease({ version: "1.0.0" });
    app = join(dir, "app");
    await must("mkdir", ["-p", app]);
    await must("tar", ["-xzf", release.tarball, "-C", app]);
  }, 400_000);

  afterAll(async () => {
    // runuser does not pass a signal on to Postgres: stop the server itself, then wait for runuser.
    if (server) {
      const exited = new Promise((resolve) => server?.once("exit", resolve));
      await run("runuser", ["-u", "postgres", "--", join(pgBin, "pg_ctl"), "stop", "-D", join(dir, "data"), "-m", "fast", "-w"]);
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("connects with DATABASE_CA_FILE and verify_peer: TLS verified, the server answers the startup over it", async () => {
    const result = await check(join(dir, "ca.pem"));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\{:ok, %\{"database" => "verified", "host" => "localhost", "tls" => "tlsv1\.[23]"\}\}/);
  }, 90_000);

  /**
   * `portage-migrate status` from a node, as a migration's job runs it: the CA named by a key of the
   * node's bucket (a portage-fetch that copies from the test directory), the server checked with it.
   */
  const migrateStatus = (host: string, ca: string, mode?: string) => {
    const bin = join(dir, "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "portage-fetch"), `#!/bin/sh\n[ "$1" = object ] && cp "${dir}/$2" "$3"\n`, { mode: 0o755 });
    const url = `postgresql://postgres@${host}:${port}/postgres?sslmode=require`;
    return run("bash", [join(__dirname, "..", "..", "components", "node", "files", "portage-migrate"), "status"], {
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ""}`,
        PORTAGE_MIGRATE_SOURCE: url,
        PORTAGE_MIGRATE_TARGET: url,
        PORTAGE_MIGRATE_SOURCE_CA: ca,
        PORTAGE_MIGRATE_TARGET_CA: ca,
        ...(mode ? { PORTAGE_MIGRATE_SOURCE_SSLMODE: mode, PORTAGE_MIGRATE_TARGET_SSLMODE: mode } : {}),
      },
      timeoutMs: 60_000,
    });
  };

  it("portage-migrate verifies both servers with the CA it is given (verify-full: chain and host name)", async () => {
    const r = await migrateStatus("localhost", "ca.pem");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("source: the server is verified with the CA of ca.pem (verify-full)");
    expect(r.stdout).toMatch(/source: PostgreSQL \d+/);
    expect(r.stdout).toMatch(/target: PostgreSQL \d+/);
  }, 60_000);

  it("portage-migrate refuses a server its CA did not sign, before any step", async () => {
    const r = await migrateStatus("localhost", "other-ca.pem");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/certificate verify failed/);
    expect(r.stdout).not.toMatch(/PostgreSQL \d+/);
  }, 60_000);

  it("portage-migrate checks the host name with verify-full, and the chain alone with verify-ca (a Cloud SQL server by its address)", async () => {
    // The test server's certificate names localhost, not 127.0.0.1, as Cloud SQL's names the instance.
    const full = await migrateStatus("127.0.0.1", "ca.pem");
    expect(full.code).not.toBe(0);
    expect(full.stderr).toMatch(/does not match host name/);
    const chain = await migrateStatus("127.0.0.1", "ca.pem", "verify-ca");
    expect(chain.code, chain.stderr).toBe(0);
    expect(chain.stdout).toContain("target: the server is verified with the CA of ca.pem (verify-ca)");
  }, 60_000);

  it("refuses the server when DATABASE_CA_FILE holds another CA", async () => {
    const result = await check(join(dir, "other-ca.pem"));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout, result.stdout).toContain('{:error, "TLS refused:');
    expect(result.stdout).toMatch(/[Uu]nknown [Cc][Aa]/);
  }, 90_000);
});
