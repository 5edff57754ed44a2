import { shown } from "../errors";
import { clusterZone } from "../../names";
import type { Spec } from "../spec";
import { ephemeralPorts } from "./app";
import { reservedPorts, type SectionInput } from "./context";

/**
 * Each BEAM on a node listens on one port of the range: blue and green during a deploy, and a remote
 * console and an rpc of `npm run ops` beside them (they read the same ERL_AFLAGS).
 */
export const minDistributionPorts = 4;

/** `portage:cluster`: the Erlang distribution range, and the private names nodes find each other by. */
export function clusterSection({ raw, ctx, problems }: SectionInput): Spec["cluster"] & { distributionValid: boolean } {
  const range = raw.cluster.distributionPorts;
  const distributionValid = checkDistribution(range, (text) => problems.at("cluster.distributionPorts", text));
  const [min = 0, max = 0] = range;
  const zone = clusterZone(raw.app.name, ctx.stack);
  return {
    epmdPort: reservedPorts.epmd,
    distributionPorts: [min, max],
    zone,
    nodesName: `nodes.${zone}`,
    edgeName: `edge.${zone}`,
    distributionValid,
  };
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
  if (max - min + 1 < minDistributionPorts) {
    problem(
      `${shown(range)} holds ${max - min + 1} port${max === min ? "" : "s"}; a node needs ${minDistributionPorts}: blue and green at once during a deploy, and a remote console and an rpc beside them`,
    );
    return false;
  }
  if (max >= ephemeralPorts[0] && min <= ephemeralPorts[1]) {
    problem(
      `${shown(range)} overlaps Linux's ephemeral range ${ephemeralPorts[0]}-${ephemeralPorts[1]}, which outgoing connections take ports from; keep it below ${ephemeralPorts[0]}`,
    );
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
