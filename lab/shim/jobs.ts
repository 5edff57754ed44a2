/**
 * The jobs of the local fleet's systemctl shim: start (dependencies, conditions, Type=), stop, reload,
 * enable. What systemd does for each, as far as docs/readme/local-fleet.md says.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { lastValue, listValue, parseSeconds } from "./unit-file";
import { activatingPid, activeState, loadUnit, logFile, markFailed, readState, setActivating, writeState, type Unit } from "./units";
import { commands, context, createDirectories, removeRuntimeDirectories, runToEnd, startMain, stopMain } from "./service";

export class Failure extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

export function mustLoad(name: string, verb: string): Unit {
  const unit = loadUnit(name);
  if (!unit) throw new Failure(`Failed to ${verb} ${name}: Unit ${name} not found.`, 5);
  return unit;
}

export async function start(unit: Unit, starting = new Set<string>()): Promise<void> {
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
  for (const cmd of commands(ctx, "ExecStartPre"))
    if (!runToEnd(ctx, cmd, {}, timeout)) throw failed(`ExecStartPre ${cmd.argv.join(" ")} failed`);
  if (type === "oneshot") {
    setActivating(unit, process.pid);
    try {
      for (const cmd of commands(ctx, "ExecStart"))
        if (!runToEnd(ctx, cmd, {}, timeout)) throw failed(`ExecStart ${cmd.argv.join(" ")} failed`);
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
  for (const cmd of commands(ctx, "ExecStartPost", { MAINPID: mainPid }))
    if (!runToEnd(ctx, cmd, { MAINPID: mainPid })) throw failed(`ExecStartPost ${cmd.argv.join(" ")} failed`);
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
export function startInBackground(unit: Unit): void {
  const child = spawn(process.execPath, [process.argv[1] ?? "", "start", unit.name.full], { detached: true, stdio: "ignore" });
  setActivating(unit, child.pid);
  child.unref();
}

export async function stop(unit: Unit): Promise<void> {
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

export function reload(unit: Unit): void {
  const state = readState(unit);
  if (activeState(unit) !== "active" || !state) throw new Failure(`Job for ${unit.name.full} failed: unit is not active.`);
  const ctx = context(unit);
  const env = { MAINPID: String(state.pid) };
  const cmds = commands(ctx, "ExecReload", env);
  if (cmds.length === 0)
    throw new Failure(`Failed to reload ${unit.name.full}: Job type reload is not applicable for unit ${unit.name.full}.`);
  for (const cmd of cmds)
    if (!runToEnd(ctx, cmd, env)) throw new Failure(`Job for ${unit.name.full} failed: ExecReload ${cmd.argv.join(" ")} failed.`);
}

/** `enable` makes the [Install] symlinks, as systemd does; `--now` also starts. */
export function setEnabled(unit: Unit, enabled: boolean): void {
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

export function enabledState(unit: Unit): string {
  const targets = [...listValue(unit.settings, "Install.WantedBy"), ...listValue(unit.settings, "Install.RequiredBy")];
  if (targets.length === 0) return "static";
  const linked = targets.some((t) =>
    ["wants", "requires"].some((k) => existsSync(join("/etc/systemd/system", `${t}.${k}`, unit.name.full))),
  );
  return linked ? "enabled" : "disabled";
}
