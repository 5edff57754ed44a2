import { describe, expect, it } from "vitest";
import { edgeFiles } from "../../components/node/edge";
import { nodeFiles } from "../../components/node/node";
import { edgeRt, nodeRt } from "../artifacts/support/variants";

/** The [section] key=value pairs of a unit file. */
function keys(unit: string): Record<string, string> {
  const out: Record<string, string> = {};
  let section = "";
  for (const line of unit.split("\n")) {
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) section = header[1] ?? "";
    const pair = /^(\w+)=(.*)$/.exec(line);
    if (pair) out[`${section}.${pair[1]}`] = pair[2] ?? "";
  }
  return out;
}

describe("the boot units start again after a failure, backing off, and never give up for good", () => {
  it.each([
    ["portage-boot.service", () => nodeFiles(nodeRt("aws"))],
    ["portage-edge-boot.service", () => edgeFiles(edgeRt("gcp", "haproxy", false))],
  ])("%s", (name, files) => {
    const unit = files().find((f) => f.path === `/etc/systemd/system/${name}`);
    expect(unit).toBeDefined();
    expect(keys(unit!.content)).toMatchObject({
      "Unit.StartLimitIntervalSec": "0",
      "Service.Type": "oneshot",
      "Service.Restart": "on-failure",
      "Service.RestartSec": "10",
      "Service.RestartSteps": "5",
      "Service.RestartMaxDelaySec": "300",
    });
  });
});
