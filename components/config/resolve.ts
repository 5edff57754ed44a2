import { accessSync, constants, statSync } from "node:fs";
import { isAbsolute, resolve as resolvePath } from "node:path";
import { checkCidr, isOpenToAll } from "./cidr";
import { shown } from "./errors";
import { regionCidr, resolveRegion } from "./regions";
import type { RawConfig } from "./schema";
import { resolveDatabaseTier, resolveMachineType } from "./sizes";
import type { NodeSpec, RegionSpec, Spec } from "./spec";

export interface StackContext {
  project: string;
  stack: string;
  /** Relative release paths are taken from here (the project directory). */
  cwd: string;
  /** Provider-namespaced config the program uses (`aws:profile`, `gcp:project`). */
  aws: { profile?: string };
  gcp: { project?: string };
}

export const supportedPostgres = ["13", "14", "15", "16", "17"];
/** Ports the edge and the nodes use for themselves; app and distribution ports must not collide with them. */
export const reservedPorts = { epmd: 4369, edgeAdmin: 8404, ssh: 22 };
const reservedDatabaseNames = [
  "postgres",
  "rdsadmin",
  "cloudsqladmin",
  "cloudsqlsuperuser",
  "admin",
  "root",
  "user",
  "public",
  "template0",
  "template1",
];

const patterns = {
  appName: /^[a-z][a-z0-9_]{0,29}$/,
  version: /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/,
  healthPath: /^\/[A-Za-z0-9._~\/-]*$/,
  domain: /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  sshPublicKey:
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\n]*)?$/,
  sshPrivateKey: /^-----BEGIN [A-Z ]*PRIVATE KEY-----\n[\s\S]+\n-----END [A-Z ]*PRIVATE KEY-----\s*$/,
};

/**
 * Applies the rules that need more than a type: regions and sizes for the chosen provider,
 * names, ports, CIDRs, the release file, and what a production stack must have.
 * Returns the spec, or every problem found.
 */
export function resolveSpec(raw: RawConfig, ctx: StackContext): { spec: Spec } | { problems: string[] } {
  const problems: string[] = [];
  const problem = (key: string, text: string) => problems.push(`portage:${key}: ${text}`);
  const { provider, production } = raw;

  // Fleet: regions, sizes, nodes.
  const regions: RegionSpec[] = [];
  raw.fleet.regions.forEach((name, i) => {
    const found = resolveRegion(name, provider);
    const twin = found.ok ? regions.find((r) => r.region === found.region) : undefined;
    if (!found.ok) problem(`fleet.regions[${i}]`, found.reason);
    else if (twin)
      problem(`fleet.regions[${i}]`, `"${name}" is the same ${provider} region (${found.region}) as "${twin.key}"; list each region once`);
    else regions.push({ key: name, region: found.region, primary: i === 0, cidr: regionCidr(provider, found.region) });
  });
  if (raw.fleet.regions.length > 10) problem("fleet.regions", `${raw.fleet.regions.length} regions; portage supports up to 10`);
  const nodeType = resolveMachineType(raw.fleet.size, provider);
  if (!nodeType.ok) problem("fleet.size", nodeType.reason);
  const edgeType = resolveMachineType(raw.edge.size, provider);
  if (!edgeType.ok) problem("edge.size", edgeType.reason);
  const nodes: NodeSpec[] = regions.flatMap((region) =>
    Array.from({ length: raw.fleet.nodesPerRegion }, (_, index) => ({ name: `${region.key}-${index + 1}`, region, index })),
  );

  // Database.
  const tier = resolveDatabaseTier(raw.database.size, provider);
  if (!tier.ok) problem("database.size", tier.reason);
  if (!supportedPostgres.includes(raw.database.version)) {
    problem(
      "database.version",
      `${shown(raw.database.version)} is not a supported Postgres major version; use one of ${supportedPostgres.join(", ")}`,
    );
  }
  if (raw.database.highAvailability && raw.database.backupDays === 0) {
    problem(
      "database.backupDays",
      "0 turns backups off, but portage:database.highAvailability is true: a standby needs backups and point-in-time recovery (Cloud SQL requires them); use 1 to 35",
    );
  } else if (production && raw.database.backupDays === 0) {
    problem("database.backupDays", "0 turns backups off, which a production stack does not allow; use 1 to 35 (7 is a good start)");
  }

  // App.
  const app = raw.app;
  if (!patterns.appName.test(app.name)) {
    problem(
      "app.name",
      `${shown(app.name)} is not a release name; use lowercase letters, digits and underscores, starting with a letter (the name in mix.exs releases:), e.g. "hello"`,
    );
  } else if (reservedDatabaseNames.includes(app.name)) {
    problem(
      "app.name",
      `${shown(app.name)} is reserved by Postgres or the cloud's database service (it names the database and its user); choose another name`,
    );
  }
  if (!patterns.version.test(app.version)) {
    problem(
      "app.version",
      `${shown(app.version)} is not a release version; use letters, digits, dots, dashes, plus or underscore, e.g. "0.1.0"`,
    );
  }
  if (!patterns.healthPath.test(app.healthPath)) {
    problem("app.healthPath", `${shown(app.healthPath)} is not a URL path; start with "/" and use no spaces or query, e.g. "/ping"`);
  }
  const release = isAbsolute(app.release) ? app.release : resolvePath(ctx.cwd, app.release);
  const releaseProblem = checkReleaseFile(release);
  if (releaseProblem) problem("app.release", `${shown(app.release)} (${release}) ${releaseProblem}`);

  // Ports: two distinct app ports, and a distribution range, none overlapping what the VMs use.
  const [distMin = 0, distMax = 0] = raw.cluster.distributionPorts;
  const distOk = checkDistribution(raw.cluster.distributionPorts, (text) => problem("cluster.distributionPorts", text));
  if (app.ports.length !== 2) {
    problem("app.ports", `${shown(app.ports)} must be exactly two ports, blue and green, e.g. [4000, 4001]`);
  } else {
    app.ports.forEach((port, i) => {
      const key = `app.ports[${i}]`;
      const clash = Object.entries(reservedPorts).find(([, p]) => p === port);
      if (port < 1024 || port > 65535) problem(key, `${port} is outside 1024-65535`);
      else if (clash) problem(key, `${port} is taken by ${clash[0]}; choose another port`);
      else if (distOk && port >= distMin && port <= distMax) {
        problem(key, `${port} lies in the Erlang distribution range ${distMin}-${distMax}; choose a port outside it`);
      }
    });
    if (app.ports[0] === app.ports[1]) problem("app.ports", `${shown(app.ports)} repeats a port; blue and green need two different ports`);
  }

  // Edge.
  const edge = raw.edge;
  if (edge.domain !== "" && !patterns.domain.test(edge.domain)) {
    problem("edge.domain", `${shown(edge.domain)} is not a host name; write it like "app.example.com" (lowercase, no scheme or path)`);
  }
  if (edge.domain !== "" && edge.acmeEmail === "") {
    problem(
      "edge.acmeEmail",
      `is empty, but portage:edge.domain is ${shown(edge.domain)}; Let's Encrypt needs a contact e-mail for the certificate`,
    );
  }
  if (edge.acmeEmail !== "" && !patterns.email.test(edge.acmeEmail)) {
    problem("edge.acmeEmail", `${shown(edge.acmeEmail)} is not an e-mail address`);
  }
  if (edge.acmeEmail !== "" && edge.domain === "") {
    problem(
      "edge.acmeEmail",
      `is set but portage:edge.domain is empty, so no certificate is requested; set the domain or clear the e-mail`,
    );
  }

  // Access.
  const access = raw.access;
  if (access.adminCidrs.length === 0) {
    problem(
      "access.adminCidrs",
      `is empty, so nobody could SSH to the edge, and rollouts go through it; add your address, e.g. ["203.0.113.10/32"]`,
    );
  }
  access.adminCidrs.forEach((cidr, i) => {
    const check = checkCidr(cidr);
    if (!check.ok) problem(`access.adminCidrs[${i}]`, check.reason);
    else if (production && isOpenToAll(cidr)) {
      problem(
        `access.adminCidrs[${i}]`,
        `"${cidr}" opens SSH to the whole internet, which a production stack refuses; list your office or VPN ranges`,
      );
    }
  });
  if (access.sshPublicKey === "") {
    problem(
      "access.sshPublicKey",
      `is empty; set it with: pulumi config set --path portage:access.sshPublicKey "$(cat ~/.ssh/id_ed25519.pub)"`,
    );
  } else if (!patterns.sshPublicKey.test(access.sshPublicKey.trim())) {
    problem(
      "access.sshPublicKey",
      `${shown(truncate(access.sshPublicKey))} is not an OpenSSH public key; paste one line like "ssh-ed25519 AAAA... you@host"`,
    );
  }
  if (raw.sshPrivateKey !== "" && !patterns.sshPrivateKey.test(raw.sshPrivateKey)) {
    problems.push(
      `portage:sshPrivateKey: is not a PEM/OpenSSH private key; set it with: pulumi config set --secret portage:sshPrivateKey < ~/.ssh/id_ed25519`,
    );
  }

  // Provider keys.
  if (provider === "gcp" && !ctx.gcp.project) {
    problems.push(`gcp:project: is required when portage:provider is gcp; set it with: pulumi config set gcp:project <your-project-id>`);
  }

  if (problems.length > 0 || !nodeType.ok || !edgeType.ok || !tier.ok) return { problems };

  const prefix = `${app.name.replace(/_/g, "-")}-${ctx.stack}`.toLowerCase();
  const zone = `${ctx.stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}.${app.name.replace(/_/g, "-")}.internal`;
  return {
    spec: {
      project: ctx.project,
      stack: ctx.stack,
      provider,
      production,
      allowDataLoss: raw.allowDataLoss,
      prefix,
      tags: { "portage-stack": prefix, "portage-production": String(production) },
      fleet: {
        regions,
        nodesPerRegion: raw.fleet.nodesPerRegion,
        size: raw.fleet.size,
        machineType: nodeType.type,
        diskGb: raw.fleet.diskGb,
        nodes,
      },
      database: {
        ...raw.database,
        tier: tier.type,
        name: app.name,
        user: app.name,
        port: 5432,
      },
      bucket: { ...raw.bucket },
      edge: { ...edge, machineType: edgeType.type, adminPort: reservedPorts.edgeAdmin },
      app: { ...app, release, ports: [app.ports[0] ?? 0, app.ports[1] ?? 0] },
      access: {
        adminCidrs: access.adminCidrs,
        sshPublicKey: access.sshPublicKey.trim(),
        sshPrivateKey: raw.sshPrivateKey,
        adminUser: "portage",
      },
      cluster: {
        epmdPort: reservedPorts.epmd,
        distributionPorts: [distMin, distMax],
        zone,
        nodesName: `nodes.${zone}`,
        edgeName: `edge.${zone}`,
      },
      rollout: { ...raw.rollout },
      aws: ctx.aws,
      gcp: ctx.gcp,
    },
  };
}

function checkReleaseFile(path: string): string | undefined {
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

function checkDistribution(range: number[], problem: (text: string) => void): boolean {
  const [min, max] = range;
  if (range.length !== 2 || min === undefined || max === undefined) {
    problem(`${shown(range)} must be two ports, the first and the last of the range, e.g. [9100, 9155]`);
    return false;
  }
  if (min < 1024 || max > 65535) {
    problem(`${shown(range)} must lie within 1024-65535`);
    return false;
  }
  if (min > max) {
    problem(`${shown(range)} starts after it ends; write [first, last]`);
    return false;
  }
  if (max - min > 1000) {
    problem(`${shown(range)} spans ${max - min + 1} ports; a node needs a few, keep it under 1000`);
    return false;
  }
  const clash = Object.entries(reservedPorts).find(([, p]) => p >= min && p <= max);
  if (clash) {
    problem(`${shown(range)} includes port ${clash[1]}, used by ${clash[0]}`);
    return false;
  }
  return true;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
