import { execFileSync } from "node:child_process";
import { expect, test } from "vitest";

// The formatter is part of the test command: an unformatted file fails here with its name.
test("every source file is formatted by prettier (npm run format fixes it)", () => {
  let output = "";
  try {
    execFileSync("npx", ["prettier", "--check", "--log-level", "warn", "."], { encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    output = `${e.stdout ?? ""}${e.stderr ?? ""}`;
  }
  expect(output).toBe("");
});
