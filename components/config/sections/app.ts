import { accessSync, constants, statSync } from "node:fs";
import { isAbsolute, resolve as resolvePath } from "node:path";
import { shown } from "../errors";
import type { Spec } from "../spec";
import { reservedPorts, type SectionInput } from "./context";

const patterns = {
  appName: /^[a-z][a-z0-9_]{0,29}$/,
  version: /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/,
  healthPath: /^\/[A-Za-z0-9._~\/-]*$/,
};

/**
 * Names the app name may not take: it names the database and its user on both clouds. Roles and
 * databases the services keep for themselves, and Postgres's reserved key words, which RDS refuses
 * as a database or master user name (https://www.postgresql.org/docs/current/sql-keywords-appendix.html,
 * "reserved" and "reserved (can be function or type)").
 */
export const reservedDatabaseNames = [
  ...["postgres", "rdsadmin", "cloudsqladmin", "cloudsqlsuperuser", "admin", "root", "public", "template0", "template1"],
  ...["all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast", "check"],
  ...["collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role", "current_time"],
  ...["current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except"],
  ...["false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into"],
  ...["lateral", "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or", "order"],
  ...["placing", "primary", "references", "returning", "select", "session_user", "some", "symmetric", "system_user"],
  ...["table", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "when", "where", "window"],
  ...["with", "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze", "full", "ilike"],
  ...["inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps", "right", "similar"],
  ...["tablesample", "verbose"],
];

/**
 * Names the app name may not take because it also names the system user (and its group) the release
 * runs as, which cloud-init creates: users and groups of Ubuntu 24.04's cloud images on both clouds
 * (base-passwd, systemd, openssh, snapd, chrony, the clouds' agents), the edge's proxies and portage's
 * admin user. `useradd` refuses an existing name, and cloud-init then skips the rest of the user-data.
 */
export const reservedSystemNames = [
  ...["root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy", "backup", "list"],
  ...["irc", "gnats", "nobody", "nogroup", "messagebus", "syslog", "tss", "uuidd", "tcpdump", "sshd", "pollinate"],
  ...["landscape", "polkitd", "dhcpcd", "usbmux", "lxd", "chrony", "dnsmasq", "haproxy", "traefik", "ubuntu", "portage"],
  ...["adm", "sudo", "users", "staff", "audio", "video", "plugdev", "netdev", "dip", "cdrom", "floppy", "tty", "disk"],
  ...["kmem", "dialout", "fax", "voice", "operator", "src", "shadow", "utmp", "input", "sgx", "kvm", "render", "crontab"],
  ...["lpadmin", "sambashare", "google_sudoers", "snap_daemon", "_apt", "_chrony", "certbot"],
];

/**
 * Linux's default ephemeral range (net.ipv4.ip_local_port_range): an outgoing connection may hold
 * such a port when the release wants to listen on it, and the start fails with EADDRINUSE.
 */
export const ephemeralPorts = [32768, 60999] as const;

/** `portage:app`: a release name Elixir and Postgres both take, the tarball, and two ports nothing else uses. */
export function appSection({ raw, ctx, problems }: SectionInput, distribution: { valid: boolean; range: [number, number] }): Spec["app"] {
  const app = raw.app;
  if (!patterns.appName.test(app.name)) {
    problems.at(
      "app.name",
      `${shown(app.name)} is not a release name; use lowercase letters, digits and underscores, starting with a letter (the name in mix.exs releases:), e.g. "hello"`,
    );
  } else if (reservedDatabaseNames.includes(app.name) || app.name.startsWith("pg_")) {
    problems.at(
      "app.name",
      `${shown(app.name)} is reserved by Postgres or the cloud's database service (it names the database and its user); choose another name`,
    );
  } else if (reservedSystemNames.includes(app.name)) {
    problems.at(
      "app.name",
      `${shown(app.name)} is a user or group the VMs already have (it also names the system user the release runs as); choose another name`,
    );
  }
  if (!patterns.version.test(app.version)) {
    problems.at(
      "app.version",
      `${shown(app.version)} is not a release version; use letters, digits, dots, dashes, plus or underscore, e.g. "0.1.0"`,
    );
  }
  if (!patterns.healthPath.test(app.healthPath)) {
    problems.at("app.healthPath", `${shown(app.healthPath)} is not a URL path; start with "/" and use no spaces or query, e.g. "/ping"`);
  }
  const release = isAbsolute(app.release) ? app.release : resolvePath(ctx.cwd, app.release);
  const releaseProblem = checkReleaseFile(release);
  if (releaseProblem) problems.at("app.release", `${shown(app.release)} (${release}) ${releaseProblem}`);

  // Two distinct ports, none overlapping what the VMs use.
  const [distMin, distMax] = distribution.range;
  if (app.ports.length !== 2) {
    problems.at("app.ports", `${shown(app.ports)} must be exactly two ports, blue and green, e.g. [4000, 4001]`);
  } else {
    app.ports.forEach((port, i) => {
      const key = `app.ports[${i}]`;
      const clash = Object.entries(reservedPorts).find(([, p]) => p === port);
      if (port < 1024 || port > 65535) problems.at(key, `${port} is outside 1024-65535`);
      else if (clash) problems.at(key, `${port} is taken by ${clash[0]}; choose another port`);
      else if (port >= ephemeralPorts[0] && port <= ephemeralPorts[1]) {
        problems.at(
          key,
          `${port} lies in Linux's ephemeral range ${ephemeralPorts[0]}-${ephemeralPorts[1]}, which outgoing connections take ports from; choose a port below ${ephemeralPorts[0]}`,
        );
      } else if (distribution.valid && port >= distMin && port <= distMax) {
        problems.at(key, `${port} lies in the Erlang distribution range ${distMin}-${distMax}; choose a port outside it`);
      }
    });
    if (app.ports[0] === app.ports[1])
      problems.at("app.ports", `${shown(app.ports)} repeats a port; blue and green need two different ports`);
  }
  return { ...app, release, ports: [app.ports[0] ?? 0, app.ports[1] ?? 0] };
}

/** Why the release path is not a readable, non-empty .tar.gz file, or undefined. */
export function checkReleaseFile(path: string): string | undefined {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return "is not a file; give the path of the .tar.gz that `mix release` built";
    size = stat.size;
    accessSync(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT"
      ? "does not exist; build it with `MIX_ENV=prod mix release` (steps: [:assemble, :tar]) and give its path"
      : `cannot be read (${code ?? String(error)})`;
  }
  if (!path.endsWith(".tar.gz")) return "is not a .tar.gz; `mix release` with steps [:assemble, :tar] builds one";
  if (size === 0) return "is empty";
  return undefined;
}
