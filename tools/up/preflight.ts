import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir, machine as machineName, type } from "node:os";
import { delimiter, join } from "node:path";
import { parseCommandLine, runMain } from "../cli";
import { planUp, type Machine } from "./checks";

/**
 * `npx tsx tools/up/preflight.ts <stack>`: bin/up's checks, before it installs, creates or edits
 * anything. Prints what it found on stderr; exits 1 listing every problem with how to fix it, else
 * prints the plan (JSON) bin/up carries out.
 */
const machine: Machine = {
  env: process.env,
  home: homedir(),
  platform: `${type()} ${machineName()}`,
  interactive: process.env.PORTAGE_UP_INTERACTIVE === "1",
  has: (command) => (process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, command))),
  run: (argv) => {
    const [program = "", ...args] = argv;
    const r = spawnSync(program, args, { encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "pipe"] });
    return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? (r.error ? String(r.error.message) : "") };
  },
  exists: existsSync,
  readFile: (path) => readFileSync(path, "utf8"),
};

runMain("bin/up", async () => {
  const { positionals } = parseCommandLine(process.argv.slice(2), {}, "usage: preflight <stack>");
  const stack = positionals[0] ?? "dev";
  // bin/up runs it from the project directory (the stack files, Pulumi.yaml).
  const plan = planUp(stack, process.cwd(), machine);
  for (const note of plan.notes) process.stderr.write(`bin/up: ${note}\n`);
  if (plan.problems.length > 0) {
    process.stderr.write(`bin/up: cannot start yet; nothing was created or changed:\n${plan.problems.map((p) => `  - ${p}`).join("\n")}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(plan)}\n`);
  return 0;
});
