import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { checkRelease, inspectRelease, type ReleaseFacts } from "../../components/config/release-tarball";
import { UserError } from "../cli";
import { readStackFile } from "../offline/stack";
import type { Runner, Ui } from "../ops/main";
import { displayCommand } from "../ops/ssh";
import { stackFacts, type StackFacts } from "../stack-facts";
import { parseDeployArgs, usage, type DeployArgs } from "./args";

export interface DeployDeps {
  run: Runner;
  ui: Ui;
  /** The project directory (Pulumi.yaml, Pulumi.<stack>.yaml). */
  root: string;
  /** Where the user typed the command: the tarball's path is relative to it. */
  cwd: string;
}

/** `npm run deploy -- <tarball>`: check the release, point the stack at it, run pulumi up. Resolves to the exit code. */
export async function deploy(argv: readonly string[], deps: DeployDeps): Promise<number> {
  const args = parseDeployArgs(argv);
  if ("help" in args) {
    deps.ui.out(usage);
    return 0;
  }
  const tarball = resolve(deps.cwd, args.tarball);
  if (!existsSync(tarball)) throw new UserError(`${args.tarball}: no such file; give the .tar.gz that mix release built`);
  const stack = args.stack ?? (await selectedStack(deps));
  const stackFile = join(deps.root, `Pulumi.${stack.split("/").pop()}.yaml`);
  const current = stackFacts(readStackFile(stack.split("/").pop() ?? stack, deps.root));

  const facts = await deps.ui.progress(`checking ${args.tarball}`, async () => inspectRelease(tarball));
  const release = releaseIn(facts) ?? current.app;
  const problems = checkRelease(facts, {
    name: release.name,
    version: release.version,
    arch: current.arch,
    archSource: current.archSource,
  });
  if (problems.length > 0) throw new UserError(`${problems.join("\n")}\nNothing was changed.`);
  if (release.name !== current.app.name) await refuseRename(stack, current, release.name, deps);

  const path = releasePath(deps.root, tarball);
  const sha = createHash("sha256").update(readFileSync(tarball)).digest("hex");
  deps.ui.out(
    `${release.name} ${release.version} (${current.arch}${current.archSource ? `, as ${current.archSource}` : ""}, sha256 ${sha.slice(0, 12)}) -> stack ${stack}`,
  );
  if (current.archNote) deps.ui.out(`note: ${current.archNote}`);
  const settings: [string, string, string][] = [
    ["portage:app.name", current.app.name, release.name],
    ["portage:app.version", current.app.version, release.version],
    ["portage:app.release", current.app.release, path],
  ];
  const changed = settings.filter(([, from, to]) => from !== to);
  for (const [key, from, to] of changed) deps.ui.out(`  ${key}: ${from} -> ${to}`);
  if (changed.length === 0) deps.ui.out("  the stack already names this release: pulumi up redeploys nothing unless its checksum changed");

  return args.preview ? preview(args, stack, stackFile, changed, deps) : update(args, stack, changed, deps);
}

/** The release the tarball boots: `releases/start_erl.data`'s version and the .rel of that version. */
function releaseIn(facts: ReleaseFacts): { name: string; version: string } | undefined {
  const version = facts.bootVersion;
  const rel = facts.releases.find((r) => r.version === version) ?? facts.releases[0];
  return version && rel ? { name: rel.name, version } : undefined;
}

/** How portage:app.release names the tarball: relative to the project (as the stack files do) when it is inside it. */
function releasePath(root: string, tarball: string): string {
  const rel = relative(root, tarball);
  return rel.startsWith("..") || isAbsolute(rel) ? tarball : `./${rel}`;
}

/**
 * The app's name also names its system user, its units and its database: on a deployed stack a new
 * name would replace the database. The first deploy of a stack may set it; later, only the user, knowingly.
 */
async function refuseRename(stack: string, current: StackFacts, name: string, deps: DeployDeps): Promise<void> {
  const argv = ["pulumi", "stack", "output", "--json", "--stack", stack];
  const result = await deps.ui.progress(`asking whether stack ${stack} is deployed`, () => deps.run.capture(argv));
  if (result.code !== 0) throw new UserError(`${displayCommand(argv)} failed: ${result.stderr.trim() || `exit ${result.code}`}`);
  const outputs = JSON.parse(result.stdout || "{}") as Record<string, unknown>;
  if (Object.keys(outputs).length === 0) return;
  throw new UserError(
    `the tarball is the release "${name}", but stack ${stack} runs "${current.app.name}" (portage:app.name). The name also names the ` +
      `app's system user, its units and its database: on a deployed stack a new name replaces the database and its data. ` +
      `Ship a ${current.app.name} release, or, to rename on purpose, set it yourself: pulumi config set --stack ${stack} --path portage:app.name ${name}. ` +
      `Nothing was changed.`,
  );
}

function setAll(stack: string, changed: readonly [string, string, string][], configFile?: string): string[] {
  return [
    "pulumi",
    "config",
    "set-all",
    "--stack",
    stack,
    ...(configFile ? ["--config-file", configFile] : []),
    "--path",
    ...changed.flatMap(([key, , to]) => ["--plaintext", `${key}=${to}`]),
  ];
}

async function update(args: DeployArgs, stack: string, changed: [string, string, string][], deps: DeployDeps): Promise<number> {
  if (changed.length > 0) await mustRun(setAll(stack, changed), deps);
  const up = ["pulumi", "up", "--stack", stack, ...(args.yes ? ["--yes"] : [])];
  deps.ui.out(`$ ${displayCommand(up)}`);
  const code = await deps.run.attach(up);
  if (code !== 0 && changed.length > 0) {
    const back = changed.map(([key, from]) => `--plaintext ${key}=${from}`).join(" ");
    deps.ui.out(
      `pulumi up did not finish (exit ${code}); the stack's config names the new release now: run the deploy again, ` +
        `or set the previous one back: pulumi config set-all --stack ${stack} --path ${back}`,
    );
  }
  return code;
}

/** pulumi preview with the new settings in a copy of the stack file: the stack's own config stays as it is. */
async function preview(
  args: DeployArgs,
  stack: string,
  stackFile: string,
  changed: [string, string, string][],
  deps: DeployDeps,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "portage-deploy-"));
  const copy = join(dir, `Pulumi.${stack.split("/").pop()}.yaml`);
  try {
    copyFileSync(stackFile, copy);
    if (changed.length > 0) await mustRun(setAll(stack, changed, copy), deps);
    const argv = ["pulumi", "preview", "--diff", "--stack", stack, "--config-file", copy];
    deps.ui.out(`$ ${displayCommand(argv)}`);
    const code = await deps.run.attach(argv);
    deps.ui.out(`Nothing was changed. To ship it: npm run deploy -- ${args.tarball}${args.stack ? ` --stack ${args.stack}` : ""}`);
    return code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function mustRun(argv: string[], deps: DeployDeps): Promise<void> {
  const result = await deps.ui.progress(displayCommand(argv), () => deps.run.capture(argv));
  if (result.code === 127) throw notInstalled;
  if (result.code !== 0) throw new UserError(`${displayCommand(argv)} failed: ${result.stderr.trim() || `exit ${result.code}`}`);
}

const notInstalled = new UserError(
  "the Pulumi CLI is not installed here (or not on the PATH): bin/up installs it, or see https://www.pulumi.com/docs/install/",
);

async function selectedStack(deps: DeployDeps): Promise<string> {
  const result = await deps.run.capture(["pulumi", "stack", "--show-name"]);
  if (result.code === 127) throw notInstalled;
  const name = result.stdout.trim();
  if (result.code !== 0 || !name) throw new UserError("no stack selected: pass --stack <name> (or pulumi stack select <name>).");
  return name;
}
