/**
 * `systemctl` for the hosts of the local fleet, which have no systemd: it runs the rendered units for
 * real (see docs/readme/local-fleet.md for what it emulates and what not). Installed first on PATH
 * inside each host by test/e2e/harness/shim.ts.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { lastValue, listValue, parseSeconds, signalName } from "./unit-file";
import { activatingPid, activeState, loadUnit, logFile, markFailed, readState, setActivating, writeState, type Unit } from "./units";
import { commands, context, createDirectories, removeRuntimeDirectories, runToEnd, startMain, stopMain } from "./service";

class Failure extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

function mustLoad(name: string, verb: string): Unit {
  const unit = loadUnit(name);
  if (!unit) throw new Failure(`Failed to ${verb} ${name}: Unit ${name} not found.`, 5);
  return unit;
}

async function start(unit: Unit, starting = new Set<string>()): Promise<void> {
  if (activeState(unit) === "active" || starting.has(unit.name.full)) return;
  // A job already runs (start --no-block): wait for it, as systemd joins the running job.
  const running = activatingPid(unit);
  if (running !== undefined && running !== process.pid) {
    while (activeState(unit) === "activating") await new Promise((r) => setTimeout(r, 200));
    if (activeState(unit) !== "active") throw new Failure(`Job for ${unit.name.full} failed. See ${logFile(unit)}.`);
    return;
  }
  starting.add(unit.name.full);
  // Requires=/BindsTo= must start; Wants= may be missing. Targets are not units here.
  for (const key of ["Unit.Requires", "Unit.BindsTo", "Unit.Wants"]) {
    for (const dep of listValue(unit.settings, key).filter((d) => !/\.(target|socket|mount|path|timer)$/.test(d))) {
      const depUnit = loadUnit(dep);
      if (!depUnit) {
        if (key === "Unit.Wants") continue;
        throw new Failure(`Failed to start ${unit.name.full}: required unit ${dep} not found.`, 5);
      }
      await start(depUnit, starting);
    }
  }
  const failed = (why: string) => {
    markFailed(unit, true);
    return new Failure(`Job for ${unit.name.full} failed: ${why}. See "systemctl status ${unit.name.full}" and ${logFile(unit)}.`);
  };
  markFailed(unit, false);
  const unmet = unmetCondition(unit);
  if (unmet) {
    // systemd skips a unit whose condition fails: the start succeeds, the unit stays inactive.
    console.error(`${unit.name.full}: condition ${unmet} not met, skipped`);
    return;
  }
  let ctx;
  try {
    ctx = context(unit);
  } catch (e) {
    throw failed((e as Error).message);
  }
  createDirectories(ctx);
  const type = lastValue(unit.settings, "Service.Type") ?? "simple";
  // systemd has no start timeout for oneshot units unless one is set.
  const timeout = parseSeconds(lastValue(unit.settings, "Service.TimeoutStartSec"), type === "oneshot" ? Infinity : 90);
  for (const cmd of commands(ctx, "ExecStartPre")) if (!runToEnd(ctx, cmd, {}, timeout)) throw failed(`ExecStartPre ${cmd.argv.join(" ")} failed`);
  if (type === "oneshot") {
    setActivating(unit, process.pid);
    try {
      for (const cmd of commands(ctx, "ExecStart")) if (!runToEnd(ctx, cmd, {}, timeout)) throw failed(`ExecStart ${cmd.argv.join(" ")} failed`);
    } finally {
      setActivating(unit, undefined);
    }
    if (lastValue(unit.settings, "Service.RemainAfterExit") === "yes") writeState(unit, { pid: 0, startTime: "" });
  } else if (["simple", "exec", "notify"].includes(type)) {
    const [main] = commands(ctx, "ExecStart");
    if (!main) throw failed("no ExecStart=");
    try {
      await startMain(ctx, main, type);
    } catch (e) {
      throw failed((e as Error).message);
    }
  } else {
    throw new Failure(`Type=${type} (${unit.name.full}) is not emulated by the local fleet's systemctl`);
  }
  const mainPid = String(readState(unit)?.pid ?? "");
  for (const cmd of commands(ctx, "ExecStartPost", { MAINPID: mainPid })) if (!runToEnd(ctx, cmd, { MAINPID: mainPid })) throw failed(`ExecStartPost ${cmd.argv.join(" ")} failed`);
}

/** The first Condition*= that does not hold (the common file conditions; `!` negates). */
function unmetCondition(unit: Unit): string | undefined {
  const checks: Record<string, (path: string) => boolean> = {
    PathExists: (p) => existsSync(p),
    PathIsDirectory: (p) => existsSync(p) && statSync(p).isDirectory(),
    FileIsExecutable: (p) => {
      try {
        accessSync(p, constants.X_OK);
        return statSync(p).isFile();
      } catch {
        return false;
      }
    },
    FileNotEmpty: (p) => existsSync(p) && statSync(p).size > 0,
  };
  for (const [kind, check] of Object.entries(checks)) {
    for (const value of unit.settings.get(`Unit.Condition${kind}`) ?? []) {
      const negated = value.startsWith("!");
      const path = value.replace(/^[|!]+/, "");
      if (check(path) === negated) return `Condition${kind}=${value}`;
    }
  }
  return undefined;
}

/** `start --no-block` of a oneshot: the job runs on in the background, the unit is "activating" meanwhile. */
function startInBackground(unit: Unit): void {
  const child = spawn(process.execPath, [process.argv[1] ?? "", "start", unit.name.full], { detached: true, stdio: "ignore" });
  setActivating(unit, child.pid);
  child.unref();
}

async function stop(unit: Unit): Promise<void> {
  const state = readState(unit);
  if (!state) return markFailed(unit, false);
  const ctx = context(unit);
  const env = { MAINPID: String(state.pid || "") };
  for (const cmd of commands(ctx, "ExecStop", env)) runToEnd(ctx, cmd, env);
  await stopMain(ctx);
  for (const cmd of commands(ctx, "ExecStopPost", env)) runToEnd(ctx, cmd, env);
  writeState(unit, undefined);
  removeRuntimeDirectories(ctx);
}

function reload(unit: Unit): void {
  const state = readState(unit);
  if (activeState(unit) !== "active" || !state) throw new Failure(`Job for ${unit.name.full} failed: unit is not active.`);
  const ctx = context(unit);
  const env = { MAINPID: String(state.pid) };
  const cmds = commands(ctx, "ExecReload", env);
  if (cmds.length === 0) throw new Failure(`Failed to reload ${unit.name.full}: Job type reload is not applicable for unit ${unit.name.full}.`);
  for (const cmd of cmds) if (!runToEnd(ctx, cmd, env)) throw new Failure(`Job for ${unit.name.full} failed: ExecReload ${cmd.argv.join(" ")} failed.`);
}

/** `enable` makes the [Install] symlinks, as systemd does; `--now` also starts. */
function setEnabled(unit: Unit, enabled: boolean): void {
  for (const target of [...listValue(unit.settings, "Install.WantedBy"), ...listValue(unit.settings, "Install.RequiredBy")]) {
    const kind = listValue(unit.settings, "Install.WantedBy").includes(target) ? "wants" : "requires";
    const dir = join("/etc/systemd/system", `${target}.${kind}`);
    const link = join(dir, unit.name.full);
    if (enabled && !existsSync(link)) {
      mkdirSync(dir, { recursive: true });
      symlinkSync(unit.path, link);
      console.error(`Created symlink ${link} → ${unit.path}.`);
    } else if (!enabled && existsSync(link)) {
      rmSync(link);
      console.error(`Removed "${link}".`);
    }
  }
}

function enabledState(unit: Unit): string {
  const targets = [...listValue(unit.settings, "Install.WantedBy"), ...listValue(unit.settings, "Install.RequiredBy")];
  if (targets.length === 0) return "static";
  const linked = targets.some((t) => ["wants", "requires"].some((k) => existsSync(join("/etc/systemd/system", `${t}.${k}`, unit.name.full))));
  return linked ? "enabled" : "disabled";
}

function properties(unit: Unit): Record<string, string> {
  const state = activeState(unit);
  return {
    Id: unit.name.full,
    LoadState: "loaded",
    ActiveState: state,
    SubState: state === "active" ? (readState(unit)?.pid ? "running" : "exited") : state === "failed" ? "failed" : "dead",
    MainPID: state === "active" ? String(readState(unit)?.pid ?? 0) : "0",
    UnitFileState: enabledState(unit),
    FragmentPath: unit.path,
  };
}

function status(unit: Unit): number {
  const p = properties(unit);
  const log = existsSync(logFile(unit)) ? readFileSync(logFile(unit), "utf8").trimEnd().split("\n").slice(-10) : [];
  console.log(`● ${unit.name.full}\n     Loaded: loaded (${unit.path}; ${p.UnitFileState})\n     Active: ${p.ActiveState}\n   Main PID: ${p.MainPID}\n\n${log.join("\n")}`);
  return p.ActiveState === "active" ? 0 : 3;
}

async function main(argv: string[]): Promise<number> {
  const flags = new Set<string>();
  const values: Record<string, string> = {};
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    const eq = /^--([a-z-]+)=(.*)$/.exec(a);
    if (eq) values[eq[1] ?? ""] = eq[2] ?? "";
    else if (["-p", "-s", "-n", "--property", "--signal", "--lines", "--kill-whom"].includes(a)) values[a.replace(/^-+/, "").replace(/^p$/, "property").replace(/^s$/, "signal")] = argv[++i] ?? "";
    else if (a.startsWith("-")) flags.add(a);
    else words.push(a);
  }
  const quiet = flags.has("-q") || flags.has("--quiet");
  const [verb = "", ...names] = words;
  const units = (v: string) => names.map((n) => mustLoad(n, v));
  switch (verb) {
    case "daemon-reload":
    case "reset-failed":
      for (const n of names) markFailed(mustLoad(n, verb), false);
      return 0;
    case "start":
      for (const u of units(verb)) {
        if (flags.has("--no-block") && lastValue(u.settings, "Service.Type") === "oneshot" && activeState(u) !== "active") startInBackground(u);
        else await start(u);
      }
      return 0;
    case "stop":
      for (const u of units(verb)) await stop(u);
      return 0;
    case "restart":
      for (const u of units(verb)) await stop(u), await start(u);
      return 0;
    case "try-restart":
      for (const u of units(verb)) if (activeState(u) === "active") await stop(u), await start(u);
      return 0;
    case "reload":
      for (const u of units(verb)) reload(u);
      return 0;
    case "reload-or-restart":
      for (const u of units(verb)) {
        if (activeState(u) === "active" && (u.settings.get("Service.ExecReload") ?? []).length > 0) reload(u);
        else await stop(u), await start(u);
      }
      return 0;
    case "is-active":
    case "is-failed": {
      const states = names.map((n) => {
        const u = loadUnit(n);
        return u ? activeState(u) : "inactive";
      });
      if (!quiet) console.log(states.join("\n"));
      const want = verb === "is-active" ? "active" : "failed";
      return states.some((s) => s === want) && (verb === "is-failed" || states.every((s) => s === want)) ? 0 : verb === "is-active" ? 3 : 1;
    }
    case "enable":
    case "disable":
      for (const u of units(verb)) {
        setEnabled(u, verb === "enable");
        if (flags.has("--now")) await (verb === "enable" ? start(u) : stop(u));
      }
      return 0;
    case "is-enabled": {
      const states = units(verb).map(enabledState);
      if (!quiet) console.log(states.join("\n"));
      return states.every((s) => s === "enabled" || s === "static") ? 0 : 1;
    }
    case "show":
      for (const u of units(verb)) {
        const props = properties(u);
        const wanted = values.property ? values.property.split(",") : Object.keys(props);
        for (const k of wanted) console.log(flags.has("--value") ? (props[k] ?? "") : `${k}=${props[k] ?? ""}`);
      }
      return 0;
    case "status":
      return units(verb).reduce((code, u) => Math.max(code, status(u)), 0);
    case "kill":
      for (const u of units(verb)) {
        const pid = readState(u)?.pid;
        if (pid) process.kill(values["kill-whom"] === "main" ? pid : -pid, signalName(values.signal ?? "SIGTERM"));
      }
      return 0;
    case "cat":
      for (const u of units(verb)) for (const f of u.files) console.log(`# ${f}\n${readFileSync(f, "utf8")}`);
      return 0;
    default:
      throw new Failure(`systemctl (the local fleet's shim): "${verb}" is not emulated`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(e instanceof Failure ? e.code : 1);
  },
);
