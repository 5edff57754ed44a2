import { nodeSecretEnv, replicaSecretEnv } from "../secrets/names";
import { envQuote } from "./env-file";

/**
 * The app's own settings and secrets (`portage:app.env`, `portage:app.secrets`): what names they may
 * use, and the one store entry each becomes. The names and values never reach user-data: a node
 * reads the two entries at boot and whenever the agent deploys, so adding or changing a setting
 * restarts the fleet (blue/green, node by node) and replaces no VM.
 */

/** Every variable portage itself puts in the release's environment: a user's setting may not override one. */
export const reservedEnvNames: readonly string[] = [
  // /etc/portage/app.env (env.ts, appStaticEnv)
  "PHX_SERVER",
  "BUCKET_NAME",
  "BUCKET_REGION",
  "RELEASE_DISTRIBUTION",
  "ERL_AFLAGS",
  "ERL_EPMD_PORT",
  "DNS_CLUSTER_QUERY",
  "CLUSTER_BASENAMES",
  "DATABASE_CA_FILE",
  // the stack's secret store (secrets/names.ts)
  ...nodeSecretEnv,
  replicaSecretEnv,
  // /etc/<app>/<port>.env and the release's unit (units.ts)
  "PORT",
  "RELEASE_NODE",
  "RELEASE_TMP",
  "HOME",
  // what systemd sets for a unit with User=
  "USER",
  "LOGNAME",
  "SHELL",
  "PATH",
];

/** Prefixes a setting may not start with: the release's start script and the BEAM read these, and so does portage. */
export const reservedEnvPrefixes: readonly string[] = ["RELEASE_", "ERL_", "PORTAGE_"];

/** The reserved names and prefixes as shell glob patterns (node.env's RESERVED_ENV: portage-boot refuses them too). */
export function reservedEnvPatterns(): string {
  return [...reservedEnvNames, ...reservedEnvPrefixes.map((p) => `${p}*`)].join(" ");
}

export function isReservedEnvName(name: string): boolean {
  return reservedEnvNames.includes(name) || reservedEnvPrefixes.some((p) => name.startsWith(p));
}

/**
 * Largest store entry, in bytes: an SSM Parameter Store standard parameter holds 4 KB
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html),
 * a Secret Manager version 64 KiB (https://cloud.google.com/secret-manager/quotas).
 */
export const settingsEntryLimit = { aws: 4096, gcp: 65536 } as const;

const namePattern = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * Everything wrong with `portage:app.env` and `portage:app.secrets`, as messages naming the key:
 * names (shell variable names, not portage's own, not in both), values (text, numbers or booleans,
 * on one line), and the size of the entry each becomes on the cloud.
 */
export function appSettingsProblems(
  settings: { env: Record<string, unknown>; secrets: Record<string, unknown> },
  cloud: keyof typeof settingsEntryLimit,
): string[] {
  const problems: string[] = [];
  for (const which of ["env", "secrets"] as const) {
    const values = settings[which];
    for (const [name, value] of Object.entries(values)) {
      const key = `portage:app.${which}.${name}`;
      // A secret's value never appears in a message.
      const shown = which === "secrets" ? "the value" : JSON.stringify(value);
      if (!namePattern.test(name))
        problems.push(`${key}: "${name}" is not a variable name (letters, digits and _, not starting with a digit, at most 128)`);
      else if (isReservedEnvName(name))
        problems.push(
          `${key}: portage sets ${name} itself${reservedEnvNames.includes(name) ? "" : ` (every name starting with ${reservedEnvPrefixes.find((p) => name.startsWith(p))} is portage's)`}; choose another name`,
        );
      if (which === "env" && name in settings.secrets)
        problems.push(`${key}: ${name} is in portage:app.secrets too; keep it in one of them`);
      if (!["string", "number", "boolean"].includes(typeof value)) problems.push(`${key}: ${shown} is not text, a number or a boolean`);
      else if (/[\r\n\0]/.test(String(value)))
        problems.push(`${key}: ${shown} has a line break or a NUL byte, which an env file cannot carry`);
    }
    const bytes = Buffer.byteLength(settingsEntry(settingValues(values)));
    if (bytes > settingsEntryLimit[cloud])
      problems.push(
        `portage:app.${which}: together ${bytes} bytes as the store entry, over the ${settingsEntryLimit[cloud]} bytes ${cloud === "aws" ? "an SSM parameter" : "a Secret Manager secret"} holds; keep large values in the bucket or the database`,
      );
  }
  return problems;
}

/** Settings as the env file carries them: numbers and booleans as text (appSettingsProblems refuses the rest). */
export function settingValues(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, v]) => ["string", "number", "boolean"].includes(typeof v))
      .map(([k, v]) => [k, String(v).replace(/[\r\n\0]/g, " ")]),
  );
}

/**
 * The store entry: `NAME="value"` lines sorted by name, quoted as every env file of the node is.
 * Never empty (an SSM parameter cannot be): no settings is a comment line.
 */
export function settingsEntry(values: Record<string, string | number | boolean>): string {
  const names = Object.keys(values).sort();
  if (names.length === 0) return "# no settings\n";
  return names.map((n) => `${n}=${envQuote(String(values[n]))}\n`).join("");
}
