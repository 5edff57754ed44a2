import { describeLoad, startLoad, type LoadReport, type LoadRun } from "../../lab/fleet/loadgen";
import { sleep } from "../../lab/fleet/run";

/**
 * Runs `during` under a paced load through the edge (`url`), a second of steady load before and
 * after; prints what the load saw, adds that line to `figures`, and returns it with `during`'s result.
 */
export async function underLoad<T>(
  url: string,
  load: { workers: number; rate: number },
  name: string,
  figures: string[],
  during: (run: LoadRun) => Promise<T>,
): Promise<{ report: LoadReport; result: T }> {
  const run = startLoad({ url, ...load });
  let result: T;
  try {
    await sleep(1000);
    result = await during(run);
    await sleep(1000);
  } finally {
    await run.stop();
  }
  const report = await run.done;
  const line = describeLoad(name, report);
  figures.push(line);
  console.log(line);
  if (report.failed > 0) console.log(`first failures: ${JSON.stringify(report.failureSamples.slice(0, 10))}`);
  return { report, result };
}
