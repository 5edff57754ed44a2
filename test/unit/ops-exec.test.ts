import { describe, expect, it } from "vitest";
import { processRunner } from "../../tools/ops/exec";

describe("ops execution layer", () => {
  it("captures a program's output and exit code", async () => {
    const result = await processRunner.capture([
      process.execPath,
      "-e",
      "process.stdout.write('out'); process.stderr.write('err'); process.exit(3)",
    ]);
    expect(result).toEqual({ code: 3, stdout: "out", stderr: "err" });
  });

  it("reports a program that is not installed as exit 127, like a shell", async () => {
    expect(await processRunner.capture(["portage-no-such-program", "x"])).toEqual({
      code: 127,
      stdout: "",
      stderr: "portage-no-such-program: command not found",
    });
  });
});
