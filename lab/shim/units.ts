/**
 * Where the shim finds units and keeps their state on a fleet host. The state lives under /run,
 * which is private to each host, like systemd's own.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseUnit, unitName, type UnitName, type UnitSettings } from "./unit-file";

/** Searched in this order, as systemd does for system units. */
export const unitDirs = ["/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];
export const stateDir = "/run/portage-shim";
/** What the journal would hold: each unit's stdout and stderr, appended. */
export const logDir = "/var/log/portage-shim";

export interface Unit {
  name: UnitName;
  path: string;
  /** The unit file followed by its drop-ins, as read. */
  files: string[];
  settings: UnitSettings;
}

export function loadUnit(requested: string): Unit | undefined {
  const name = unitName(requested);
  const candidates = [name.full, ...(name.template ? [name.template] : [])];
  const path = unitDirs.flatMap((dir) => candidates.map((c) => join(dir, c))).find((p) => existsSync(p));
  if (!path) return undefined;
  // Drop-ins: <unit>.d/*.conf and <template>.d/*.conf, by file name; an earlier directory wins a clash.
  const dropIns = new Map<string, string>();
  for (const dir of unitDirs) {
    for (const c of candidates) {
      const d = join(dir, `${c}.d`);
      if (!existsSync(d)) continue;
      for (const f of readdirSync(d).filter((f) => f.endsWith(".conf"))) if (!dropIns.has(f)) dropIns.set(f, join(d, f));
    }
  }
  const files = [path, ...[...dropIns.keys()].sort().map((k) => dropIns.get(k) ?? "")];
  return { name, path, files, settings: parseUnit(files.map((f) => readFileSync(f, "utf8"))) };
}

/** What the shim records about a unit it started. */
export interface UnitState {
  /** The main process; 0 for a oneshot that remains active. */
  pid: number;
  /** The main process's start time (/proc/<pid>/stat field 22): a recycled pid is not mistaken for it. */
  startTime: string;
}

const statePath = (unit: Unit) => join(stateDir, `${unit.name.full}.json`);
const failedPath = (unit: Unit) => join(stateDir, `${unit.name.full}.failed`);

export function readState(unit: Unit): UnitState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(unit), "utf8")) as UnitState;
  } catch {
    return undefined;
  }
}

export function writeState(unit: Unit, state: UnitState | undefined): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o755 });
  if (state) writeFileSync(statePath(unit), JSON.stringify(state));
  else rmSync(statePath(unit), { force: true });
}

export function markFailed(unit: Unit, failed: boolean): void {
  mkdirSync(stateDir, { recursive: true });
  if (failed) writeFileSync(failedPath(unit), "");
  else rmSync(failedPath(unit), { force: true });
}

const activatingPath = (unit: Unit) => join(stateDir, `${unit.name.full}.activating`);

/** A oneshot whose job runs: the pid of the systemctl running it, or undefined when it ended. */
export function setActivating(unit: Unit, pid: number | undefined): void {
  mkdirSync(stateDir, { recursive: true });
  if (pid) writeFileSync(activatingPath(unit), `${pid} ${processStartTime(pid)}`);
  else rmSync(activatingPath(unit), { force: true });
}

/** The pid of the systemctl whose job is starting the unit, if one runs. */
export function activatingPid(unit: Unit): number | undefined {
  try {
    const [pid = "", startTime] = readFileSync(activatingPath(unit), "utf8").trim().split(" ");
    return processAlive(Number(pid), startTime) ? Number(pid) : undefined;
  } catch {
    return undefined;
  }
}

export type ActiveState = "active" | "activating" | "inactive" | "failed";

export function activeState(unit: Unit): ActiveState {
  if (activatingPid(unit) !== undefined) return "activating";
  const state = readState(unit);
  if (state && (state.pid === 0 || processAlive(state.pid, state.startTime))) return "active";
  // A main process that went away without a stop is what systemd calls failed (Restart= is not emulated).
  if (state || existsSync(failedPath(unit))) return "failed";
  return "inactive";
}

/** /proc/<pid>/stat fields after the command name: [state, ppid, pgrp, session, ...]. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

export function processStartTime(pid: number): string {
  return statFields(pid)?.[19] ?? "";
}

/** Running and not a zombie, and the same process as recorded. */
export function processAlive(pid: number, startTime?: string): boolean {
  const fields = statFields(pid);
  if (!fields || fields[0] === "Z" || fields[0] === "X") return false;
  return startTime === undefined || fields[19] === startTime;
}

/** The processes in the process group `pgid`: the shim's stand-in for a unit's control group. */
export function groupMembers(pgid: number): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      const f = statFields(pid);
      return f !== undefined && f[2] === String(pgid) && f[0] !== "Z";
    });
}

export function logFile(unit: Unit): string {
  mkdirSync(logDir, { recursive: true });
  return join(logDir, `${basename(unit.name.full)}.log`);
}
