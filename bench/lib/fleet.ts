import { Fleet, type FleetOptions } from "../../lab/fleet/fleet";
import { removeNetwork } from "../../lab/fleet/network";
import { withCleanup } from "./cleanup";

/** A /24 and a name prefix of the benchmarks' own, so they can run beside the e2e tests' fleet (10.77.0, pfe2e). */
export const benchNetwork = { prefix: "pfbench", subnet: "10.78.0" };

/** Runs `body` with a local fleet on the benchmarks' network, destroyed afterwards and on interruption. */
export async function withFleet<T>(opts: Omit<FleetOptions, "prefix" | "subnet">, body: (fleet: Fleet) => Promise<T>): Promise<T> {
  let fleet: Fleet | undefined;
  // Interrupted while the fleet starts: what exists carries the prefix (the next run removes the rest).
  const cleanup = () => (fleet ? fleet.destroy() : removeNetwork(benchNetwork));
  return withCleanup(cleanup, async () => {
    fleet = await Fleet.create({ ...benchNetwork, ...opts });
    return body(fleet);
  });
}
