/**
 * `rollout.batchSize`: a count of nodes (`2`) or a share of the fleet (`"25%"`, rounded up, at least
 * one node), so that the same setting fits a dev stack of 2 nodes and a production fleet of 40.
 */
export type BatchSize = number | `${number}%`;

/** How many nodes of a fleet of `fleet` go at once. */
export function nodesPerBatch(size: BatchSize, fleet: number): number {
  if (fleet <= 0) return 0;
  const count = typeof size === "number" ? size : Math.ceil((fleet * Number(size.slice(0, -1))) / 100);
  return Math.min(fleet, Math.max(1, count));
}

/** The nodes in rollout order, cut into batches. */
export function batchesOf<T>(nodes: readonly T[], size: BatchSize): T[][] {
  const per = nodesPerBatch(size, nodes.length);
  const out: T[][] = [];
  for (let i = 0; i < nodes.length; i += per) out.push(nodes.slice(i, i + per));
  return out;
}

/**
 * Validates a configured batch size: a whole number from 1 to 1000, or a share from 1% to 100%
 * written as a string ending in `%` (YAML and `pulumi config set --path` both keep it a string).
 */
export function parseBatchSize(value: unknown, key = "portage:rollout.batchSize"): { size: BatchSize } | { problem: string } {
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= 1 && value <= 1000) return { size: value };
    return { problem: `${key} is ${value}: give a whole number of nodes from 1 to 1000, or a share of the fleet such as "25%"` };
  }
  if (typeof value === "string") {
    const share = /^(\d{1,3})%$/.exec(value.trim());
    const percent = Number(share?.[1]);
    if (share && percent >= 1 && percent <= 100) return { size: `${percent}%` };
    if (/^\d+$/.test(value.trim())) return parseBatchSize(Number(value.trim()), key);
  }
  return {
    problem: `${key} is ${JSON.stringify(value)}: give a whole number of nodes (1 to 1000) or a share of the fleet from "1%" to "100%"`,
  };
}
