import { expect } from "vitest";
import { describeLoad, loadShortfall, underLoad, type LoadOptions, type LoadReport, type LoadRun } from "../../../lab/fleet/loadgen";

/**
 * The local-fleet tests' way of running a step under load: the paced load of `load` to `url`,
 * steady before and after the step; its line is printed and kept in `figures`; a load that did not
 * run at its pace (POSTs included) fails the test, so none passes on a handful of requests.
 */
export function loadRunner(load: Omit<LoadOptions, "url">, figures: string[]) {
  return async <T>(name: string, url: string, during: (run: LoadRun) => Promise<T>): Promise<{ report: LoadReport; result: T }> => {
    const out = await underLoad({ url, ...load }, during);
    const line = describeLoad(name, out.report);
    figures.push(line);
    console.log(line);
    if (out.report.failed > 0) console.log(`first failures: ${JSON.stringify(out.report.failureSamples.slice(0, 10))}`);
    expect(loadShortfall(out.report, load)).toBeUndefined();
    return out;
  };
}
