import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A `pulumi` on the PATH that records each call (one JSON array of arguments per line) and answers
 * the few commands the tools ask: `stack --show-name`, `stack output --json`, `whoami`; anything
 * else exits with FAKE_PULUMI_EXIT_<verb> (default 0).
 */
export interface FakePulumi {
  /** The directory to put first on the PATH. */
  bin: string;
  log: string;
  /** Every call so far, as argument lists. */
  calls(): string[][];
}

export function fakePulumi(dir: string): FakePulumi {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  const log = join(dir, "pulumi-calls.log");
  writeFileSync(
    join(bin, "pulumi"),
    `#!/usr/bin/env node
const fs = require("fs");
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + "\\n");
const env = process.env;
const verb = args.filter((a) => !a.startsWith("-"))[0] || "";
if (args[0] === "stack" && args.includes("--show-name")) { process.stdout.write((env.FAKE_PULUMI_STACK || "dev") + "\\n"); process.exit(0); }
if (args[0] === "stack" && args[1] === "output") { process.stdout.write(env.FAKE_PULUMI_OUTPUTS || "{}"); process.exit(0); }
if (args[0] === "whoami") { if (env.FAKE_PULUMI_USER) { process.stdout.write(env.FAKE_PULUMI_USER + "\\n"); process.exit(0); } process.stderr.write("error: not logged in\\n"); process.exit(1); }
const code = Number(env["FAKE_PULUMI_EXIT_" + verb.replace(/-/g, "_")] || 0);
if (code !== 0) process.stderr.write("error: " + verb + " failed (fake)\\n");
process.exit(code);
`,
  );
  chmodSync(join(bin, "pulumi"), 0o755);
  return {
    bin,
    log,
    calls: () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as string[])
        : [],
  };
}
