import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const root = join(__dirname, "..", "..");

// The program must be right for the real providers, not only accepted by the mock runtime: every
// resource argument is checked against @pulumi/aws and @pulumi/gcp's own types (strict mode).
it("tsc --noEmit passes on the whole project against the real @pulumi/aws and @pulumi/gcp types", async () => {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const result = await promisify(execFile)(process.execPath, [tsc, "-p", root, "--noEmit"], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? "" }),
  );
  expect(result.stdout).toBe("");
  expect(result.code).toBe(0);
}, 300_000);
