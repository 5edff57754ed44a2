import { join, resolve } from "node:path";
import { parseYamlFile } from "../cli";
import { parseOpsArgs, usage, type OpsArgs } from "./args";
import { OpsError } from "./errors";
import { nodesTable, statusSummary, statusTable, type NodeReading } from "./format";
import { defaultKeyFiles, sshKeyProblem } from "./keys";
import { mergeJournals, nameWidth, parseJournal, prefixed } from "./logs";
import { findNode, parseOutputs, type OpsStack, type StackNode } from "./outputs";
import { rollbackPlan } from "./rollback";
import { accessOf, displayCommand, evalExpression, remote, sshArgv, type SshAccess } from "./ssh";
import { parseCurrent, parseEdgeStatus, parseHistory, type EdgeServer } from "./state";

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** How ops runs programs: the only part that touches processes (tools/ops/exec.ts in real use). */
export interface Runner {
  /** Runs to completion, output captured. A program that is not installed gives code 127. */
  capture(argv: readonly string[]): Promise<Result>;
  /** Runs attached to the terminal (a shell, followed logs); resolves to the exit code. */
  attach(argv: readonly string[]): Promise<number>;
  /**
   * Runs until it ends (or the user stops ops), handing over each line it prints; its input stays
   * open meanwhile and closes when ops exits. Resolves to the exit code.
   */
  stream(argv: readonly string[], onLine: (line: string, from: "stdout" | "stderr") => void): Promise<number>;
}

export interface Ui {
  out(text: string): void;
  /** Shows `label` while `work` runs (anything that may take more than a second). */
  progress<T>(label: string, work: () => Promise<T>): Promise<T>;
}

export interface Deps {
  run: Runner;
  ui: Ui;
  env: Record<string, string | undefined>;
  home: string;
  /** The project directory (Pulumi.<stack>.yaml). */
  root: string;
  /** Where the user ran the command: --outputs and --identity are relative to it. */
  cwd: string;
  readFile(path: string): string;
  exists(path: string): boolean;
  sleep(ms: number): Promise<void>;
}

/** Runs `npm run ops -- <argv>`; resolves to the process exit code. */
export async function ops(argv: readonly string[], deps: Deps): Promise<number> {
  const parsed = parseOpsArgs(argv);
  const args = {
    ...parsed,
    outputs: parsed.outputs && resolve(deps.cwd, parsed.outputs),
    identity: parsed.identity && resolve(deps.cwd, parsed.identity),
  };
  if (args.command === "help") {
    deps.ui.out(usage);
    return 0;
  }
  const stack = await loadStack(args, deps);
  if (args.command === "rollback") return rollback(args, stack, deps);
  if (!args.dryRun) await checkSshKey(args, deps);
  const access = accessOf(stack, args.identity);
  switch (args.command) {
    case "nodes":
      return nodes(args, stack, access, deps);
    case "status":
      return status(args, stack, access, deps);
    case "ssh":
      return attach(args, sshArgv(access, addressOf(stack, args.node ?? "")), deps);
    case "console":
      return attach(
        args,
        sshArgv(access, releaseNode(stack, args).privateAddress, remote.release(stack.app.name, ["remote"]), { tty: true }),
        deps,
      );
    case "eval": {
      const command = remote.release(stack.app.name, ["rpc", evalExpression(args.expression ?? "")]);
      return attach(args, sshArgv(access, releaseNode(stack, args).privateAddress, command), deps);
    }
    case "logs": {
      if (args.all) return allLogs(args, stack, access, deps);
      const command =
        args.node === "edge"
          ? remote.edgeLogs(stack.edgeKind, args.lines, args.follow)
          : remote.logs(stack.app.name, args.lines, args.follow);
      return attach(args, sshArgv(access, addressOf(stack, args.node ?? ""), command, { tty: args.follow }), deps);
    }
    case "reboot":
      return reboot(args, stack, access, deps);
  }
}

async function loadStack(args: OpsArgs, deps: Deps): Promise<OpsStack> {
  if (args.outputs) {
    if (!deps.exists(args.outputs))
      throw new OpsError(`--outputs ${args.outputs}: no such file; save one with: pulumi stack output --json > ${args.outputs}`);
    return parseOutputs(deps.readFile(args.outputs), args.outputs);
  }
  const argv = ["pulumi", "stack", "output", "--json", ...(args.stack ? ["--stack", args.stack] : [])];
  const result = await deps.ui.progress("reading the stack's outputs", () => deps.run.capture(argv));
  if (result.code === 127) {
    throw new OpsError("the Pulumi CLI is not installed here; pass --outputs <file> with a saved `pulumi stack output --json`.");
  }
  if (result.code !== 0) throw new OpsError(`${displayCommand(argv)} failed: ${result.stderr.trim() || `exit ${result.code}`}`);
  return parseOutputs(result.stdout, `stack ${args.stack ?? "(the selected one)"}`);
}

async function checkSshKey(args: OpsArgs, deps: Deps): Promise<void> {
  const agent = Boolean(deps.env.SSH_AUTH_SOCK);
  const problem = sshKeyProblem({
    identity: args.identity ? { path: args.identity, exists: deps.exists(args.identity) } : undefined,
    agent,
    agentStatus: agent && !args.identity ? (await deps.run.capture(["ssh-add", "-l"])).code : undefined,
    defaultKeys: defaultKeyFiles.filter((f) => deps.exists(join(deps.home, ".ssh", f))),
  });
  if (problem) throw new OpsError(problem);
}

/** The node whose release `console` and `eval` reach: the edge runs none. */
function releaseNode(stack: OpsStack, args: OpsArgs): StackNode {
  if (args.node === "edge")
    throw new OpsError(`the edge runs no release; ${args.command} needs a node: ${stack.nodes.map((n) => n.name).join(", ")}`);
  return findNode(stack, args.node ?? "");
}

/**
 * `logs --all`: the last --lines entries of every node, merged by time with the node's name on each
 * line; with --follow, then every new entry as it comes, from where each node's history ended.
 */
async function allLogs(args: OpsArgs, stack: OpsStack, access: SshAccess, deps: Deps): Promise<number> {
  const history = stack.nodes.map((n) =>
    sshArgv(access, n.privateAddress, remote.logsToMerge(stack.app.name, args.lines), { batch: true }),
  );
  if (args.dryRun) {
    deps.ui.out(history.map(displayCommand).join("\n"));
    return 0;
  }
  const read = (argv: string[]) => deps.run.capture(argv);
  // The first node alone: the edge's host key is then known before the others are reached through it.
  const [first, ...rest] = history;
  const results = await deps.ui.progress(
    `reading the journal of ${stack.nodes.length} node${stack.nodes.length === 1 ? "" : "s"}`,
    async () => (first ? [await read(first), ...(await Promise.all(rest.map(read)))] : []),
  );
  const journals = stack.nodes.map((n, i) => parseJournal(n.name, results[i]?.code === 0 ? (results[i]?.stdout ?? "") : ""));
  for (const line of mergeJournals(journals)) deps.ui.out(line);
  const failed = stack.nodes.flatMap((n, i) =>
    results[i]?.code === 0 ? [] : [`${n.name}: ${results[i]?.stderr.trim() || `exit ${results[i]?.code}`}`],
  );
  if (failed.length > 0) deps.ui.out(`\ncould not read ${failed.join("\n")}`);
  if (!args.follow) return failed.length > 0 ? 1 : 0;

  const width = nameWidth(stack.nodes.map((n) => n.name));
  const codes = await Promise.all(
    stack.nodes.map((n, i) =>
      deps.run.stream(
        sshArgv(access, n.privateAddress, remote.followLogs(stack.app.name, journals[i]?.cursor), { batch: true }),
        (line, from) => {
          if (line !== "") deps.ui.out(prefixed(n.name, width, from === "stderr" ? `(ssh) ${line}` : line));
        },
      ),
    ),
  );
  return codes.every((c) => c === 0) ? 0 : 1;
}

/** The address to ssh to: a node's private address, or the edge's public one for "edge". */
function addressOf(stack: OpsStack, name: string): string {
  if (name === "edge") return stack.edgeAddress;
  return findNode(stack, name).privateAddress;
}

async function attach(args: OpsArgs, argv: string[], deps: Deps): Promise<number> {
  if (args.dryRun) {
    deps.ui.out(displayCommand(argv));
    return 0;
  }
  return deps.run.attach(argv);
}

/** Asks the edge how it sees every server; undefined (with the reason) when it cannot be reached. */
async function edgeServers(stack: OpsStack, access: SshAccess, deps: Deps): Promise<{ servers?: EdgeServer[]; error?: string }> {
  const result = await deps.ui.progress(`asking the ${stack.edgeKind} edge at ${stack.edgeAddress}`, () =>
    deps.run.capture(sshArgv(access, stack.edgeAddress, remote.edgeStatus, { batch: true })),
  );
  if (result.code !== 0) return { error: result.stderr.trim() || `exit ${result.code}` };
  return { servers: parseEdgeStatus(result.stdout) };
}

async function nodes(args: OpsArgs, stack: OpsStack, access: SshAccess, deps: Deps): Promise<number> {
  const commands = stack.nodes.map((n) => sshArgv(access, n.privateAddress, remote.current, { batch: true }));
  if (args.dryRun) {
    deps.ui.out([sshArgv(access, stack.edgeAddress, remote.edgeStatus, { batch: true }), ...commands].map(displayCommand).join("\n"));
    return 0;
  }
  // The edge first, alone: its host key is then known before the nodes are reached through it.
  const edge = await edgeServers(stack, access, deps);
  const readings = await deps.ui.progress(`reading ${stack.nodes.length} node${stack.nodes.length === 1 ? "" : "s"}`, () =>
    Promise.all(
      commands.map(async (argv): Promise<NodeReading> => {
        const result = await deps.run.capture(argv);
        return result.code === 0 ? { current: parseCurrent(result.stdout) } : { error: result.stderr.trim() || `exit ${result.code}` };
      }),
    ),
  );
  deps.ui.out(nodesTable(stack, readings, edge.servers));
  const problems = [
    ...(edge.error ? [`the edge did not answer: ${edge.error}`] : []),
    ...stack.nodes.flatMap((n, i) => (readings[i]?.error ? [`${n.name}: ${readings[i]?.error}`] : [])),
  ];
  if (problems.length > 0) deps.ui.out(`\n${problems.join("\n")}`);
  return problems.length > 0 ? 1 : 0;
}

async function status(args: OpsArgs, stack: OpsStack, access: SshAccess, deps: Deps): Promise<number> {
  if (args.dryRun) {
    deps.ui.out(displayCommand(sshArgv(access, stack.edgeAddress, remote.edgeStatus, { batch: true })));
    return 0;
  }
  const edge = await edgeServers(stack, access, deps);
  if (!edge.servers) throw new OpsError(`the edge at ${stack.edgeAddress} did not answer: ${edge.error}`);
  deps.ui.out(`${statusTable(stack, edge.servers)}\n\n${statusSummary(stack, edge.servers)}`);
  return stack.nodes.every((n) => edge.servers?.some((s) => s.address === n.privateAddress && s.state === "UP")) ? 0 : 1;
}

/** How long a node may take to come back (boot, fetch secrets, start the release, pass health checks). */
const rebootTimeoutMs = 10 * 60_000;
const pollMs = 5_000;

async function reboot(args: OpsArgs, stack: OpsStack, access: SshAccess, deps: Deps): Promise<number> {
  const node = findNode(stack, args.node ?? "");
  const argv = sshArgv(access, node.privateAddress, remote.reboot, { batch: true });
  if (args.dryRun) {
    deps.ui.out(displayCommand(argv));
    return 0;
  }
  const result = await deps.ui.progress(`rebooting ${node.name} (${node.privateAddress})`, () => deps.run.capture(argv));
  // 255 with a closed connection: the reboot won the race against ssh's exit, which is fine.
  const dropped = result.code === 255 && /closed by remote host|connection reset|closed\.?$/i.test(result.stderr.trim());
  if (result.code !== 0 && !dropped) throw new OpsError(`${node.name} did not reboot: ${result.stderr.trim() || `exit ${result.code}`}`);
  if (!args.wait) {
    deps.ui.out(`${node.name} is rebooting; the edge routes around it until it is healthy again (npm run ops -- status).`);
    return 0;
  }
  const serving = (servers: EdgeServer[] | undefined) =>
    servers?.some((s) => s.address === node.privateAddress && s.state === "UP") ?? false;
  let wentDown = false;
  const back = await deps.ui.progress(`waiting for the edge to see ${node.name} serving again`, async () => {
    for (let waited = 0; waited <= rebootTimeoutMs; waited += pollMs) {
      await deps.sleep(pollMs);
      const { servers } = await edgeServersQuiet(stack, access, deps);
      if (!serving(servers)) wentDown = true;
      // Still UP right after the reboot was queued means the health checks have not noticed yet.
      else if (wentDown || waited >= 60_000) return true;
    }
    return false;
  });
  if (!back)
    throw new OpsError(
      `${node.name} is not serving ${rebootTimeoutMs / 60_000} minutes after the reboot; see npm run ops -- logs ${node.name}`,
    );
  deps.ui.out(`${node.name} rebooted and is serving again.`);
  return 0;
}

async function edgeServersQuiet(stack: OpsStack, access: SshAccess, deps: Deps): Promise<{ servers?: EdgeServer[] }> {
  const result = await deps.run.capture(sshArgv(access, stack.edgeAddress, remote.edgeStatus, { batch: true }));
  return result.code === 0 ? { servers: parseEdgeStatus(result.stdout) } : {};
}

async function rollback(args: OpsArgs, stack: OpsStack, deps: Deps): Promise<number> {
  const stackName = args.stack ?? (await selectedStack(deps));
  const node = args.node ? findNode(stack, args.node) : stack.nodes[0];
  if (!node) throw new OpsError("the stack has no nodes to read a deploy history from.");
  if (!args.dryRun) await checkSshKey(args, deps);
  const access = accessOf(stack, args.identity);
  const read = (command: string) => deps.run.capture(sshArgv(access, node.privateAddress, command, { batch: true }));
  const [current, history] = await deps.ui.progress(`reading ${node.name}'s deploy history`, () =>
    Promise.all([read(remote.current), read(remote.history)]),
  );
  const failed = [current, history].find((r) => r.code !== 0);
  if (failed) throw new OpsError(`could not read ${node.name}'s state: ${failed.stderr.trim() || `exit ${failed.code}`}`);

  const plan = rollbackPlan({
    stack: stackName,
    app: stack.app.name,
    node: node.name,
    currentVersion: parseCurrent(current.stdout)?.version ?? stack.app.version,
    history: parseHistory(history.stdout),
    configuredRelease: configuredRelease(stackName, deps),
  });
  deps.ui.out(
    `${stackName}: ${node.name} serves ${plan.from}; the version before it is ${plan.to.version} (deployed ${plan.to.time}, sha256 ${plan.to.sha256.slice(0, 12)}).`,
  );
  if (args.dryRun) {
    deps.ui.out(["would run:", ...plan.commands.map(displayCommand)].join("\n  "));
  } else {
    for (const argv of plan.commands) {
      const result = await deps.ui.progress(displayCommand(argv), () => deps.run.capture(argv));
      if (result.code === 127)
        throw new OpsError(
          `the Pulumi CLI is not installed here; run these yourself:\n  ${plan.commands.map(displayCommand).join("\n  ")}`,
        );
      if (result.code !== 0) throw new OpsError(`${displayCommand(argv)} failed: ${result.stderr.trim()}`);
    }
    deps.ui.out(`set portage:app.version = ${plan.to.version}, portage:app.release = ${plan.release}`);
  }
  const tarball = join(deps.root, plan.release);
  const notes = [
    ...plan.notes,
    ...(deps.exists(tarball)
      ? []
      : [
          `${plan.release} is not here: rebuild ${plan.to.version} (MIX_ENV=prod mix release) or download releases/${stack.app.name}-${plan.to.version}.tar.gz from the stack's bucket.`,
        ]),
  ];
  deps.ui.out([...notes, `Now review and roll out: pulumi up --stack ${stackName}`].join("\n"));
  return 0;
}

async function selectedStack(deps: Deps): Promise<string> {
  const result = await deps.run.capture(["pulumi", "stack", "--show-name"]);
  const name = result.stdout.trim();
  if (result.code !== 0 || !name) throw new OpsError("no stack selected: pass --stack <name> (rollback sets that stack's config).");
  return name;
}

/** portage:app.release as Pulumi.<stack>.yaml sets it (undefined when the file or key is absent). */
function configuredRelease(stack: string, deps: Deps): string | undefined {
  const file = join(deps.root, `Pulumi.${stack}.yaml`);
  if (!deps.exists(file)) return undefined;
  const config = (parseYamlFile(file, deps.readFile(file)) as { config?: Record<string, unknown> } | null)?.config ?? {};
  const app = config["portage:app"] as { release?: unknown } | undefined;
  return typeof app?.release === "string" ? app.release : undefined;
}
