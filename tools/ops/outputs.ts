import { OpsError } from "./errors";

/** A node as the stack outputs it (stacks/program.ts `nodes`). */
export interface StackNode {
  name: string;
  region: string;
  privateAddress: string;
}

/** The stack outputs the ops commands work from. */
export interface OpsStack {
  edgeAddress: string;
  nodes: StackNode[];
  adminUser: string;
  app: { name: string; version: string; ports: number[]; healthPath: string };
  edgeKind: string;
}

const required = ["edgeAddress", "nodes", "adminUser", "app", "edgeKind"] as const;

/**
 * Checks `pulumi stack output --json` (or a saved copy) and returns what ops needs.
 * `from` says where the outputs came from, for the error message.
 */
export function parseOutputs(text: string, from: string): OpsStack {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new OpsError(`${from} is not JSON; save the outputs with: pulumi stack output --json > outputs.json`);
  }
  if (!isRecord(value) || Object.keys(value).length === 0) {
    throw new OpsError(`${from} has no outputs: the stack has not been deployed yet. Run pulumi up first.`);
  }
  const missing = required.filter((key) => value[key] === undefined);
  if (missing.length > 0) {
    throw new OpsError(
      `${from} lacks ${missing.join(", ")}: is it a portage stack, deployed with this version? Run pulumi up to refresh its outputs.`,
    );
  }
  const nodes = value.nodes;
  if (!Array.isArray(nodes) || nodes.some((n) => !isRecord(n) || typeof n.name !== "string" || typeof n.privateAddress !== "string")) {
    throw new OpsError(`${from}: nodes is not a list of { name, region, privateAddress }.`);
  }
  const app = value.app as OpsStack["app"];
  if (!isRecord(app) || !Array.isArray(app.ports)) throw new OpsError(`${from}: app is not { name, version, ports, healthPath }.`);
  if (typeof value.edgeAddress !== "string" || value.edgeAddress === "")
    throw new OpsError(`${from}: edgeAddress is empty; the edge has no public address yet.`);
  return {
    edgeAddress: value.edgeAddress,
    nodes: (nodes as StackNode[]).map((n) => ({ name: n.name, region: String(n.region ?? ""), privateAddress: n.privateAddress })),
    adminUser: String(value.adminUser),
    app: { name: String(app.name), version: String(app.version), ports: app.ports.map(Number), healthPath: String(app.healthPath) },
    edgeKind: String(value.edgeKind),
  };
}

/** The node called `name`, or an error listing the ones that exist. */
export function findNode(stack: OpsStack, name: string): StackNode {
  const node = stack.nodes.find((n) => n.name === name);
  if (!node) {
    const known = stack.nodes.map((n) => n.name).join(", ") || "none";
    throw new OpsError(`unknown node "${name}"; this stack's nodes are: ${known} (or "edge" for the edge itself)`);
  }
  return node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
