import type { OpsStack } from "./outputs";
import type { Current, EdgeServer, EdgeState } from "./state";

/** Left-aligned columns, two spaces apart, headers in capitals. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join("\n");
}

/** What ops learnt from one node: its current file, or why it could not be read. */
export type NodeReading = { current?: Current; error?: string };

/** How the edge sees a node's port: its state, or `-` when the edge does not list it. */
function stateAt(servers: readonly EdgeServer[] | undefined, address: string, port: number): EdgeState | "-" {
  return servers?.find((s) => s.address === address && s.port === port)?.state ?? "-";
}

/**
 * The node table: where each node runs, the release it serves (from the node) and its health as
 * the edge sees it (the serving port's state). `servers` undefined: the edge could not be asked.
 */
export function nodesTable(stack: OpsStack, readings: readonly NodeReading[], servers: readonly EdgeServer[] | undefined): string {
  const rows = stack.nodes.map((node, i) => {
    const reading = readings[i] ?? {};
    const current = reading.current;
    const release = current ? current.version : reading.error ? "unreachable" : "none";
    const port = current ? String(current.port) : "-";
    const health = servers === undefined ? "unknown" : current ? stateAt(servers, node.privateAddress, current.port) : "-";
    return [node.name, node.region, node.privateAddress, release, port, health];
  });
  return table(["name", "region", "address", "release", "port", "health"], rows);
}

/**
 * The edge's view: one row per node with the state of each of its two ports, and a verdict
 * (`serving` when a port is UP; the idle color is normally DOWN, so one UP port is healthy).
 */
export function statusTable(stack: OpsStack, servers: readonly EdgeServer[]): string {
  const ports = stack.app.ports;
  const known = new Set(stack.nodes.map((n) => n.privateAddress));
  const rows = stack.nodes.map((node) => {
    const states = ports.map((p) => stateAt(servers, node.privateAddress, p));
    return [node.name, node.privateAddress, ...states, verdict(states)];
  });
  // Servers the edge lists for addresses the stack no longer has: stale routes worth seeing.
  for (const s of servers.filter((s) => !known.has(s.address))) {
    rows.push([`(${s.server})`, s.address, ...ports.map((p) => (p === s.port ? s.state : "-")), "not in the stack"]);
  }
  return table(["node", "address", ...ports.map(String), "health"], rows);
}

function verdict(states: readonly (EdgeState | "-")[]): string {
  if (states.includes("UP")) return "serving";
  if (states.includes("DRAIN")) return "draining";
  if (states.includes("MAINT")) return "maintenance";
  if (states.every((s) => s === "-")) return "not on the edge";
  return "down";
}

/** "3 of 4 nodes serving" under the status table. */
export function statusSummary(stack: OpsStack, servers: readonly EdgeServer[]): string {
  const serving = stack.nodes.filter((n) => servers.some((s) => s.address === n.privateAddress && s.state === "UP")).length;
  return `${serving} of ${stack.nodes.length} node${stack.nodes.length === 1 ? "" : "s"} serving through the ${stack.edgeKind} edge at ${stack.edgeAddress}`;
}
