import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseDocument } from "yaml";

/**
 * What every command-line tool of portage shares: a mistake the user can fix is printed as one
 * message (the usage, for a bad flag), never as a stack trace; anything else is a bug and keeps its stack.
 */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    /** 2 for a command line that could not be understood, 1 otherwise. */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util's parseArgs, strict, with its errors (unknown flag, missing value) turned into the usage. */
export function parseCommandLine<O extends Options>(argv: readonly string[], options: O, usage: string) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UserError(`${(error as Error).message}\n\n${usage}`, 2);
  }
}

/** Runs a tool's main and exits with its code; `tool: message` for a UserError, the stack for a bug. */
export function runMain(tool: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      const text = error instanceof UserError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`${tool}: ${text}\n`);
      process.exit(error instanceof UserError ? error.exitCode : 1);
    },
  );
}

/**
 * A YAML file (a stack file, Pulumi.yaml) parsed; a syntax error names the file, line and column:
 * `Pulumi.dev.yaml:12:5: Nested mappings are not allowed in compact mappings`.
 */
export function parseYamlFile(path: string, text = readFileSync(path, "utf8")): unknown {
  const doc = parseDocument(text, { prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0] ?? lineAndColumn(text, error.pos[0]);
    const message = error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "").trim();
    const line = text.split("\n")[at.line - 1] ?? "";
    const excerpt = `\n  ${at.line} | ${line}\n  ${" ".repeat(String(at.line).length)} | ${" ".repeat(Math.max(0, at.col - 1))}^`;
    throw new UserError(`${basename(path)}:${at.line}:${at.col}: ${message} (a YAML syntax error in ${path})${excerpt}`);
  }
  return doc.toJS();
}

function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
}
