import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Result, Runner, Ui } from "./main";

/** Runs programs for real: captured, or attached to this terminal. */
export const processRunner: Runner = {
  capture: (argv) =>
    new Promise<Result>((resolve) => {
      const [program = "", ...args] = argv;
      const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", (err: NodeJS.ErrnoException) =>
        resolve({
          code: err.code === "ENOENT" ? 127 : 1,
          stdout,
          stderr: err.code === "ENOENT" ? `${program}: command not found` : err.message,
        }),
      );
      child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    }),
  attach: (argv) =>
    new Promise<number>((resolve) => {
      const [program = "", ...args] = argv;
      const child = spawn(program, args, { stdio: "inherit" });
      child.on("error", () => resolve(127));
      child.on("close", (code) => resolve(code ?? 1));
    }),
  stream: (argv, onLine) =>
    new Promise<number>((resolve) => {
      const [program = "", ...args] = argv;
      // stdin a pipe nobody writes to: it closes when ops exits, which ends the remote side too.
      const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"] });
      createInterface({ input: child.stdout }).on("line", (line) => onLine(line, "stdout"));
      createInterface({ input: child.stderr }).on("line", (line) => onLine(line, "stderr"));
      child.on("error", () => resolve(127));
      child.on("close", (code) => resolve(code ?? 1));
    }),
};

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Output on stdout; progress on stderr (a spinner on a terminal, plain lines otherwise). */
export function terminalUi(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Ui {
  return {
    out: (text) => stdout.write(`${text}\n`),
    async progress(label, work) {
      const started = Date.now();
      const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
      let frame = 0;
      const timer = stderr.isTTY ? setInterval(() => stderr.write(`\r${frames[frame++ % frames.length]} ${label}`), 100) : undefined;
      if (!stderr.isTTY) stderr.write(`${label} ...\n`);
      try {
        const result = await work();
        if (timer) stderr.write(`\r✓ ${label} (${seconds()})\x1b[K\n`);
        return result;
      } catch (e) {
        if (timer) stderr.write(`\r✗ ${label} (${seconds()})\x1b[K\n`);
        throw e;
      } finally {
        if (timer) clearInterval(timer);
      }
    },
  };
}
