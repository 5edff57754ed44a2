import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { clouds, parseStackConfig, type Cloud } from "../components/config";
import { parseCommandLine, parseYamlFile, runMain } from "./cli";
import { estimateMigrationCost, estimateMonthlyCost } from "./plan/costs";
import { buildPlan, formatPlan } from "./plan/format";
import { placeholderRelease, projectRoot, readStackFile, runStack, stackConfigMap, type StackRunOptions } from "./offline/stack";

const usage = `usage: npm run plan -- --stack <name> [--provider ${clouds.join("|")}] [--json] [--release <tarball>]

Evaluates the program under Pulumi's mock runtime with the stack's config (Pulumi.<name>.yaml):
no cloud credentials, no Pulumi CLI. Prints every resource, grouped by component, with the inputs
that matter; the output is deterministic, so diffing two plans shows what a config change does.`;

// tsx turns on Node's source-map translation of stack traces, and the Pulumi SDK captures a stack
// trace for every resource output and promise it tracks (a debugging aid): capturing and translating
// them was two thirds of a large fleet's evaluation (the README, "Benchmarks", "Stack scale").
// The plan prints error messages, never stacks, so it needs neither the translation nor
// (sdkStackTraces below) the traces.
process.setSourceMapsEnabled(false);

/** `npm run plan`: the offline plan of a stack. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      stack: { type: "string" },
      provider: { type: "string" },
      json: { type: "boolean", default: false },
      release: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    usage,
  );
  if (positionals.length > 0) return print(`unexpected argument "${positionals.join(" ")}"\n\n${usage}`, 2);
  if (values.help) return print(usage, 0);
  if (!values.stack) return print(`--stack is required\n\n${usage}`, 2);
  if (!existsSync(resolve(projectRoot, `Pulumi.${values.stack}.yaml`))) {
    return print(`no Pulumi.${values.stack}.yaml in ${projectRoot}; create it (see the README's "Environments")`, 2);
  }
  if (values.provider && !(clouds as readonly string[]).includes(values.provider)) {
    return print(`--provider: "${values.provider}" is not a provider; use ${clouds.join(" or ")}`, 2);
  }

  // The tarball is built outside the repository; without it, plan with a placeholder and say so.
  const notes: string[] = [];
  const configured = releasePath(readStackFile(values.stack)["portage:app"]);
  let release = values.release;
  if (!release && !existsSync(resolve(projectRoot, configured))) {
    release = placeholderRelease;
    notes.push(`${configured} does not exist here; planned with a placeholder release (pass --release <tarball> to plan yours)`);
  }
  const options: StackRunOptions = {
    stack: values.stack,
    provider: values.provider as Cloud | undefined,
    overrides: release ? { "portage:app": { release: isAbsolute(release) ? release : resolve(release) } } : {},
    sdkStackTraces: false,
  };
  const result = await runStack(options);
  if (result.error) return print(result.error.message, 1);
  const spec = parseStackConfig(stackConfigMap(options), { project: "portage", stack: values.stack, cwd: projectRoot });
  const plan = buildPlan({
    stack: values.stack,
    provider: spec.provider,
    resources: result.resources,
    outputs: result.outputs,
    notes,
    cost: estimateMonthlyCost(spec),
    ...(spec.migration ? { migrationCost: estimateMigrationCost(spec) } : {}),
  });
  process.stdout.write(values.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  return 0;
}

function releasePath(app: unknown): string {
  const fromStack = (app as { release?: unknown } | undefined)?.release;
  if (typeof fromStack === "string") return fromStack;
  const project = parseYamlFile(resolve(projectRoot, "Pulumi.yaml")) as {
    config: Record<string, { default?: { release?: string } }>;
  };
  return project.config["portage:app"]?.default?.release ?? "";
}

function print(text: string, code: number): number {
  (code === 0 ? process.stdout : process.stderr).write(`${text}\n`);
  return code;
}

runMain("plan", () => main(process.argv.slice(2)));
