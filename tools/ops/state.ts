/** What a node's /var/lib/portage/current says: the release that serves, and on which port. */
export interface Current {
  version: string;
  sha256: string;
  port: number;
}

/** One successful deploy, from /var/lib/portage/history. */
export interface Deploy {
  time: string;
  version: string;
  sha256: string;
}

export type EdgeState = "UP" | "DOWN" | "DRAIN" | "MAINT";

/** One line of `portage-edge-status`. */
export interface EdgeServer {
  server: string;
  address: string;
  port: number;
  state: EdgeState;
}

/** `<version> <sha256> <port>`; undefined for an empty file (nothing deployed yet) or a malformed one. */
export function parseCurrent(text: string): Current | undefined {
  const [version, sha256, port] = text.trim().split(/\s+/);
  if (!version || !sha256 || !port || !/^\d+$/.test(port)) return undefined;
  return { version, sha256, port: Number(port) };
}

/** `<iso-time> <version> <sha256>` per line, oldest first; other lines are skipped. */
export function parseHistory(text: string): Deploy[] {
  return text
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((f): f is [string, string, string] => f.length === 3 && f.every((x) => x !== ""))
    .map(([time, version, sha256]) => ({ time, version, sha256 }));
}

const states: readonly string[] = ["UP", "DOWN", "DRAIN", "MAINT"];

export function parseEdgeStatus(text: string): EdgeServer[] {
  return text
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .flatMap(([server, endpoint, state]) => {
      const at = endpoint?.lastIndexOf(":") ?? -1;
      if (!server || !endpoint || at < 0 || !state || !states.includes(state)) return [];
      return [{ server, address: endpoint.slice(0, at), port: Number(endpoint.slice(at + 1)), state: state as EdgeState }];
    });
}

/**
 * The version to roll back to: the newest deploy before the current one whose version differs
 * (redeploys of the same version are skipped). Undefined when there is none.
 */
export function previousDeploy(history: readonly Deploy[], currentVersion: string): Deploy | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const deploy = history[i];
    if (deploy && deploy.version !== currentVersion) return deploy;
  }
  return undefined;
}
