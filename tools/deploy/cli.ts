import { join } from "node:path";
import { runMain } from "../cli";
import { processRunner, terminalUi } from "../ops/exec";
import { deploy } from "./main";

// `npm run deploy -- <tarball>`: the real processes and terminal behind tools/deploy/main.ts.
runMain("deploy", () =>
  deploy(process.argv.slice(2), {
    run: processRunner,
    ui: terminalUi(),
    root: join(__dirname, "..", ".."),
    // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
    cwd: process.env.INIT_CWD ?? process.cwd(),
  }),
);
