import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { runMain } from "../cli";
import { processRunner, terminalUi } from "./exec";
import { ops } from "./main";

// `npm run ops -- <command>`: the real processes, terminal and files behind tools/ops/main.ts.
runMain("ops", () =>
  ops(process.argv.slice(2), {
    run: processRunner,
    ui: terminalUi(),
    env: process.env,
    home: homedir(),
    root: join(__dirname, "..", ".."),
    // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
    cwd: process.env.INIT_CWD ?? process.cwd(),
    readFile: (path) => readFileSync(path, "utf8"),
    exists: existsSync,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }),
);
