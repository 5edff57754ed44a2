import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execOk, writeFile, type Host } from "../fleet/host";
import { must, run, type RunResult } from "../fleet/run";

/**
 * A managed Postgres as the clouds give it, on a host of the local fleet: Debian's PostgreSQL server,
 * TLS only with a certificate for the host's address (hostssl + scram-sha-256, like `rds.force_ssl`),
 * logical decoding on (`rds.logical_replication` / `cloudsql.logical_decoding`), WAL kept for slots
 * bounded. The app's role is what portage creates: the owner of the app's database, LOGIN, CREATEDB,
 * CREATEROLE and REPLICATION (RDS: rds_replication; Cloud SQL: the REPLICATION attribute), not a
 * superuser. One superuser, `cloud_admin`, stands in for the one right the clouds give their admin
 * role and vanilla PostgreSQL 15 gives only superusers: CREATE SUBSCRIPTION.
 */
export interface LabDatabase {
  host: Host;
  address: string;
  /** The app's role, TLS verified against the lab's CA: what the app and portage-migrate use. */
  url: string;
  /** The role that may create subscriptions (portage-migrate's PORTAGE_MIGRATE_<SIDE>_SUBSCRIBER). */
  subscriberUrl: string;
}

/** The newest PostgreSQL installed (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBin(): string {
  const majors = readdirSync("/usr/lib/postgresql")
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a));
  if (!majors[0]) throw new Error("no PostgreSQL server in /usr/lib/postgresql: run bin/setup-test-machine");
  return `/usr/lib/postgresql/${majors[0]}/bin`;
}

export const appRole = "hello";
export const database = "hello";
const dataDir = "/var/lib/postgresql/lab";
const unit = "postgresql-lab.service";

/** A private CA for the lab's servers: nodes verify them against `${dir}/ca.crt` (under /tmp, which hosts share). */
export async function createCa(dir: string): Promise<string> {
  await must(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=portage lab CA"].concat([
      "-keyout",
      join(dir, "ca.key"),
      "-out",
      join(dir, "ca.crt"),
    ]),
  );
  return join(dir, "ca.crt");
}

async function serverCertificate(dir: string, name: string, address: string): Promise<{ cert: string; key: string }> {
  const base = join(dir, name);
  await must("openssl", [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    `/CN=${address}`,
    "-keyout",
    `${base}.key`,
    "-out",
    `${base}.csr`,
  ]);
  await must("sh", ["-c", `printf 'subjectAltName=IP:${address}\\n' > '${base}.ext'`]);
  await must(
    "openssl",
    ["x509", "-req", "-in", `${base}.csr`, "-CA", join(dir, "ca.crt"), "-CAkey", join(dir, "ca.key")].concat([
      "-CAcreateserial",
      "-days",
      "2",
      "-out",
      `${base}.crt`,
      "-extfile",
      `${base}.ext`,
    ]),
  );
  return { cert: readFileSync(`${base}.crt`, "utf8"), key: readFileSync(`${base}.key`, "utf8") };
}

export function dbUrl(role: string, password: string, address: string, ca: string, name = database): string {
  return `postgresql://${role}:${encodeURIComponent(password)}@${address}:5432/${name}?sslmode=verify-full&sslrootcert=${ca}`;
}

/** Starts the server on `host` (a unit run by the fleet's systemctl shim) and creates the app's role and database. */
export async function startDatabase(host: Host, caDir: string): Promise<LabDatabase> {
  const bin = postgresBin();
  const ca = join(caDir, "ca.crt");
  // Characters a URL must encode, so every client's decoding is exercised.
  const appPassword = `p@ss w'${randomBytes(9).toString("hex")}`;
  const adminPassword = randomBytes(12).toString("hex");
  const asPostgres = (cmd: string, args: string[]) =>
    execOk(host, "setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", cmd, ...args]);

  await execOk(host, "install", ["-d", "-o", "postgres", "-g", "postgres", "-m", "0700", dataDir]);
  await writeFile(host, "/var/lib/postgresql/lab-admin-password", adminPassword, 0o600);
  await execOk(host, "chown", ["postgres:postgres", "/var/lib/postgresql/lab-admin-password"]);
  await asPostgres(
    `${bin}/initdb`,
    ["-D", `${dataDir}/data`, "-U", "cloud_admin", "--pwfile=/var/lib/postgresql/lab-admin-password"].concat([
      "--auth=scram-sha-256",
      "--no-sync",
      "--no-instructions",
    ]),
  );
  await execOk(host, "rm", ["-f", "/var/lib/postgresql/lab-admin-password"]);
  const { cert, key } = await serverCertificate(caDir, host.netns, host.address);
  await writeFile(host, `${dataDir}/data/server.crt`, cert, 0o644);
  await writeFile(host, `${dataDir}/data/server.key`, key, 0o600);
  await execOk(host, "chown", ["postgres:postgres", `${dataDir}/data/server.crt`, `${dataDir}/data/server.key`]);
  const settings = [
    `listen_addresses = '${host.address}'`,
    "unix_socket_directories = '/run/postgresql-lab'",
    "ssl = on",
    "password_encryption = 'scram-sha-256'",
    "wal_level = logical",
    "max_replication_slots = 10",
    "max_wal_senders = 10",
    "max_logical_replication_workers = 4",
    "max_slot_wal_keep_size = '1GB'",
    "shared_buffers = '32MB'",
  ];
  await execOk(host, "sh", ["-c", `cat >> ${dataDir}/data/postgresql.conf`], { input: `${settings.join("\n")}\n` });
  // TLS only, passwords only: no plain-text line, no trust, no peer.
  await writeFile(host, `${dataDir}/data/pg_hba.conf`, "hostssl all all 0.0.0.0/0 scram-sha-256\n", 0o600);
  await execOk(host, "chown", ["postgres:postgres", `${dataDir}/data/pg_hba.conf`]);
  await writeFile(
    host,
    `/etc/systemd/system/${unit}`,
    [
      "[Unit]",
      "Description=PostgreSQL standing in for the cloud's managed database (lab/migration)",
      "[Service]",
      "Type=notify",
      "User=postgres",
      "RuntimeDirectory=postgresql-lab",
      `ExecStart=${bin}/postgres -D ${dataDir}/data`,
      "KillSignal=SIGINT",
      "TimeoutStopSec=30",
      "",
    ].join("\n"),
  );
  await execOk(host, "systemctl", ["start", unit], { timeoutMs: 60_000 });

  const admin = dbUrl("cloud_admin", adminPassword, host.address, ca, "postgres");
  await psql(admin, [
    `CREATE ROLE ${appRole} LOGIN PASSWORD '${appPassword.replace(/'/g, "''")}' CREATEDB CREATEROLE REPLICATION`,
    `CREATE DATABASE ${database} OWNER ${appRole}`,
  ]);
  return {
    host,
    address: host.address,
    url: dbUrl(appRole, appPassword, host.address, ca),
    subscriberUrl: dbUrl("cloud_admin", adminPassword, host.address, ca),
  };
}

/** psql from the machine, the password through PGPASSWORD (never on a command line). */
export async function psql(url: string, statements: string[], input?: string): Promise<string> {
  const r = await psqlRun(url, statements, input);
  if (r.code !== 0) throw new Error(`psql on ${new URL(url).host}: ${r.stderr.trim()}`);
  return r.stdout;
}

export function psqlRun(url: string, statements: string[], input?: string): Promise<RunResult> {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = "";
  const args = ["-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", u.toString(), ...statements.flatMap((s) => ["-c", s])];
  return run(`${postgresBin()}/psql`, args, { env: { ...process.env, PGPASSWORD: password }, input });
}
