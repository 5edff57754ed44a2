import { parseCommandLine } from "../cli";
import { OpsError } from "./errors";

export const commands = ["nodes", "status", "ssh", "console", "eval", "logs", "reboot", "rollback", "help"] as const;
export type Command = (typeof commands)[number];

export interface OpsArgs {
  command: Command;
  /** The node a command acts on (`ssh`, `console`, `eval`, `logs`, `reboot`; `rollback --node`). */
  node?: string;
  /** `eval`: the Elixir expression. */
  expression?: string;
  /** `logs --all`: every node's journal, merged. */
  all: boolean;
  stack?: string;
  /** A saved `pulumi stack output --json`, instead of asking the Pulumi CLI. */
  outputs?: string;
  identity?: string;
  lines: number;
  follow: boolean;
  wait: boolean;
  dryRun: boolean;
}

export const usage = `portage ops: day-2 commands from the stack's outputs

usage: npm run ops -- <command> [options]

commands:
  nodes              every node: region, address, the release it serves, its health on the edge
  status             the edge's health table: each node's two ports as the edge sees them
  ssh <node|edge>    a shell on a node, through the edge (ssh -J)
  console <node>     a remote IEx shell on the release the node serves (bin/<app> remote)
  eval <node> <expr> evaluate an Elixir expression in the running release and print its value
  logs <node|edge>   the release's journal on a node, or the edge's proxy (--lines N, --follow)
  logs --all         every node's journal merged by time, each line starting with the node's name
  reboot <node>      reboot a node and wait until the edge sees it serving again (--no-wait)
  rollback           set portage:app.version (and app.release) to the version deployed before
                     the current one, read from a node's history; then run pulumi up

options:
  --stack <name>     the stack (default: the selected one)
  --outputs <file>   read a saved \`pulumi stack output --json\` instead of asking Pulumi
  --identity <key>   the SSH private key to use (default: ssh-agent and ~/.ssh keys)
  --node <name>      rollback: the node whose history to read (default: the first)
  --all              logs: every node
  --lines <n>        logs: how many lines (default 200; per node with --all)
  --follow, -f       logs: keep printing new lines
  --no-wait          reboot: return once the reboot is queued
  --dry-run          print the commands instead of running them
`;

/** Parses `npm run ops -- ...` arguments; a mistake is an OpsError that says what is allowed. */
export function parseOpsArgs(argv: readonly string[]): OpsArgs {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      stack: { type: "string", short: "s" },
      outputs: { type: "string" },
      identity: { type: "string", short: "i" },
      node: { type: "string" },
      lines: { type: "string", short: "n" },
      follow: { type: "boolean", short: "f" },
      all: { type: "boolean" },
      "no-wait": { type: "boolean" },
      "dry-run": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    usage,
  );
  const [name = "help", ...rest] = positionals;
  const command = values.help ? "help" : name;
  if (!isCommand(command)) {
    const hint = command === "deploy" ? " (to ship a release: npm run deploy -- <tarball>)" : "";
    throw new OpsError(`unknown command "${command}"${hint}; use one of: ${commands.join(", ")}\n\n${usage}`, 2);
  }

  const all = values.all ?? false;
  if (all && command !== "logs") throw new OpsError(`--all goes with logs: npm run ops -- logs --all\n\n${usage}`, 2);
  const takesNode = ["ssh", "console", "logs", "reboot"].includes(command) && !all;
  if (command === "eval") {
    if (rest.length !== 2)
      throw new OpsError(`eval needs a node and one expression: npm run ops -- eval <node> 'MyApp.Repo.aggregate(MyApp.User, :count)'`, 2);
  } else if (takesNode && rest.length !== 1) {
    throw new OpsError(`${command} needs one node name: npm run ops -- ${command} <node>${command === "logs" ? " (or --all)" : ""}`, 2);
  } else if (!takesNode && rest.length > 0) {
    throw new OpsError(`${command} takes no argument "${rest.join(" ")}"`, 2);
  }

  const lines = values.lines === undefined ? 200 : Number(values.lines);
  if (!Number.isInteger(lines) || lines < 1) throw new OpsError(`--lines ${values.lines}: give a whole number of lines, e.g. --lines 500`);

  return {
    command,
    node: takesNode || command === "eval" ? rest[0] : values.node,
    expression: command === "eval" ? rest[1] : undefined,
    all,
    stack: values.stack,
    outputs: values.outputs,
    identity: values.identity,
    lines,
    follow: values.follow ?? false,
    wait: !(values["no-wait"] ?? false),
    dryRun: values["dry-run"] ?? false,
  };
}

function isCommand(value: string): value is Command {
  return (commands as readonly string[]).includes(value);
}
