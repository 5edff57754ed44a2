import type { OpsStack } from "./outputs";

/** How to log in: the stack's admin user, through its edge, with the agent or an explicit key. */
export interface SshAccess {
  user: string;
  edge: string;
  /** A private key file; without it ssh uses the agent and ~/.ssh's default keys. */
  identity?: string;
}

export function accessOf(stack: OpsStack, identity?: string): SshAccess {
  return { user: stack.adminUser, edge: stack.edgeAddress, identity };
}

export interface SshOptions {
  /** A terminal for the remote side (a shell, or `journalctl -f` so Ctrl-C reaches it). */
  tty?: boolean;
  /** No prompts: fail instead (commands that run over several hosts at once). */
  batch?: boolean;
}

/** First contact records the host key instead of prompting; a changed key still stops ssh. */
const common = ["-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=10"];

/**
 * The ssh command line that runs `command` on `address` (or opens a shell there), through the edge
 * as a jump host. `address` equal to the edge's address means the edge itself.
 * With an explicit key, the jump goes through a ProxyCommand, because `-J` does not pass `-i` or
 * `-o` options to the jump host's connection.
 */
export function sshArgv(access: SshAccess, address: string, command?: string, options: SshOptions = {}): string[] {
  const argv = ["ssh", ...common];
  if (options.batch) argv.push("-o", "BatchMode=yes");
  if (options.tty) argv.push("-t");
  if (access.identity) argv.push("-i", access.identity, "-o", "IdentitiesOnly=yes");
  if (address !== access.edge) {
    if (access.identity) {
      const jump = [
        "ssh",
        ...common,
        "-i",
        shellQuote(access.identity),
        "-o",
        "IdentitiesOnly=yes",
        "-W",
        "%h:%p",
        `${access.user}@${access.edge}`,
      ];
      argv.push("-o", `ProxyCommand=${jump.join(" ")}`);
    } else {
      argv.push("-J", `${access.user}@${access.edge}`);
    }
  }
  argv.push(`${access.user}@${address}`);
  if (command !== undefined) argv.push("--", command);
  return argv;
}

/** A word the remote shell reads back as exactly `value`. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** What runs on the hosts (see docs/ARCHITECTURE.md, "Node runtime contract"). */
export const remote = {
  /** `<version> <sha256> <port>` of the serving color; empty before the first deploy. */
  current: "cat /var/lib/portage/current 2>/dev/null || true",
  /** `<iso-time> <version> <sha256>` per successful deploy, oldest first. */
  history: "cat /var/lib/portage/history 2>/dev/null || true",
  /** `<server> <address:port> <UP|DOWN|DRAIN|MAINT>` per app server; needs root for HAProxy's socket. */
  edgeStatus: "sudo -n portage-edge-status",
  /** The release's units (both colors), epmd and the boot service. */
  logs(app: string, lines: number, follow: boolean): string {
    return `sudo -n ${journal("short-iso", appUnits(app), "-n", String(lines), ...(follow ? ["-f"] : []))}`;
  },
  /**
   * The same journal for merging with other nodes': microsecond times, and the cursor of its last
   * entry (`-- cursor: ...`) from which `followLogs` goes on without a gap or a repeat.
   */
  logsToMerge(app: string, lines: number): string {
    return `sudo -n ${journal("short-iso-precise", appUnits(app), "--show-cursor", "-n", String(lines))}`;
  },
  /**
   * Follows the journal after `cursor` (or from now). Without a terminal, ssh closing would not stop
   * journalctl until it next writes: it stops when the connection's input closes instead.
   */
  followLogs(app: string, cursor: string | undefined): string {
    const from = cursor ? `--after-cursor=${shellQuote(cursor)}` : "-n 0";
    const follow = journal("short-iso-precise", appUnits(app), from, "-f");
    return `sudo -n sh -c ${shellQuote(`${follow} & trap 'kill $!' EXIT; cat >/dev/null`)}`;
  },
  /**
   * Runs the serving color's \`bin/<app> <args>\` the way its unit runs the release: as the app's user,
   * with /etc/<app>/env and the serving port's /etc/<app>/<port>.env (the node name and cookie that
   * \`remote\` and \`rpc\` need to reach it), HOME in /var/lib/<app>.
   */
  release(app: string, args: readonly string[]): string {
    const script = [
      `app=${app}`,
      `[ -s /var/lib/portage/current ] || { echo "no release serves on this node yet (/var/lib/portage/current is empty)" >&2; exit 1; }`,
      `read -r _ _ port < /var/lib/portage/current`,
      `set -a; . "/etc/$app/env"; . "/etc/$app/$port.env"; set +a`,
      `export HOME="/var/lib/$app"; cd "$HOME"`,
      `exec setpriv --reuid="$app" --regid="$app" --init-groups "/opt/$app/ports/$port/bin/$app" "$@"`,
    ].join("\n");
    return ["sudo", "-n", "sh", "-c", shellQuote(script), "portage-release", ...args.map(shellQuote)].join(" ");
  },
  /** The edge's proxy and its boot and certificate services. */
  edgeLogs(kind: string, lines: number, follow: boolean): string {
    return `sudo -n ${journal("short-iso", [kind, "portage-edge-boot", "portage-acme"], "-n", String(lines), ...(follow ? ["-f"] : []))}`;
  },
  /** Queued rather than run, so the command returns before the connection drops. */
  reboot: "sudo -n systemctl --no-block reboot",
};

function appUnits(app: string): string[] {
  return [`${app}@*`, `${app}-epmd`, "portage-boot"];
}

/** `journalctl` of these units in this output format, then the other options. */
function journal(format: string, units: readonly string[], ...options: string[]): string {
  return ["journalctl", "--no-pager", "-o", format, ...units.flatMap((u) => ["-u", shellQuote(u)]), ...options].join(" ");
}

/** `eval`'s expression, evaluated in the running release (bin/<app> rpc) and its value printed as IEx would. */
export function evalExpression(expression: string): string {
  return `IO.inspect((\n${expression}\n), pretty: true)`;
}

/** How a command line reads when printed for the user (`--dry-run`, error messages). */
export function displayCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}
