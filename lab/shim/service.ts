/**
 * Starting and stopping a unit's processes as systemd would: the environment it builds, User=,
 * WorkingDirectory=, the Exec* commands, Type= (simple, exec, notify, oneshot), KillMode= and the
 * stop timeout. A process group stands in for the control group.
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, chownSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import {
  lastValue,
  listValue,
  parseEnvironment,
  signalName,
  parseEnvironmentFile,
  parseExec,
  parseSeconds,
  resolveSpecifiers,
  type ExecCommand,
} from "./unit-file";
import { groupMembers, logFile, processAlive, processStartTime, readState, stateDir, writeState, type Unit } from "./units";

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

function account(user: string): Account {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.split(":")[0] === user || l.split(":")[2] === user);
  const f = line?.split(":");
  if (!f) throw new Error(`User=${user}: no such user in /etc/passwd`);
  return { name: f[0] ?? user, uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? "/", shell: f[6] ?? "/bin/sh" };
}

function groupId(group: string): number {
  const line = readFileSync("/etc/group", "utf8")
    .split("\n")
    .find((l) => l.split(":")[0] === group || l.split(":")[2] === group);
  if (!line) throw new Error(`Group=${group}: no such group in /etc/group`);
  return Number(line.split(":")[2]);
}

/** How the unit's commands run: resolved once per systemctl call. */
export interface Context {
  unit: Unit;
  user: Account | undefined;
  env: Record<string, string>;
  cwd: string;
}

export function context(unit: Unit): Context {
  const s = unit.settings;
  const userName = lastValue(s, "Service.User");
  const groupName = lastValue(s, "Service.Group");
  const user = userName ? { ...account(userName), ...(groupName ? { gid: groupId(groupName) } : {}) } : undefined;
  const spec = (v: string) =>
    resolveSpecifiers(v, { name: unit.name, hostname: hostname(), home: user?.home ?? "/root", user: user?.name ?? "root" });
  const env: Record<string, string> = { PATH: defaultPath, LANG: "C.UTF-8" };
  // systemd sets these only for units with User= (a root unit without it has no HOME).
  if (user) Object.assign(env, { HOME: user.home, USER: user.name, LOGNAME: user.name, SHELL: user.shell });
  for (const v of s.get("Service.Environment") ?? []) for (const [k, val] of parseEnvironment(spec(v))) env[k] = val;
  // Files override Environment=, later files override earlier ones.
  for (const v of s.get("Service.EnvironmentFile") ?? []) {
    const optional = v.startsWith("-");
    const file = spec(optional ? v.slice(1) : v);
    if (!existsSync(file)) {
      if (optional) continue;
      throw new Error(`EnvironmentFile=${file} does not exist`);
    }
    for (const [k, val] of parseEnvironmentFile(readFileSync(file, "utf8"))) env[k] = val;
  }
  let cwd = spec(lastValue(s, "Service.WorkingDirectory") ?? "/");
  if (cwd.startsWith("-")) cwd = existsSync(cwd.slice(1)) ? cwd.slice(1) : "/";
  if (cwd === "~") cwd = user?.home ?? "/root";
  return { unit, user, env, cwd };
}

/** The unit's Exec lines of one kind (ExecStart, ExecStop, ...), specifiers resolved, variables expanded. */
export function commands(ctx: Context, key: string, extraEnv: Record<string, string> = {}): ExecCommand[] {
  const env = { ...ctx.env, ...extraEnv };
  return (ctx.unit.settings.get(`Service.${key}`) ?? []).map((line) =>
    parseExec(
      resolveSpecifiers(line, {
        name: ctx.unit.name,
        hostname: hostname(),
        home: ctx.user?.home ?? "/root",
        user: ctx.user?.name ?? "root",
      }),
      env,
    ),
  );
}

/** Limit*= settings as prlimit(1) resources, with their line in /proc/<pid>/limits. */
const limits: Record<string, { resource: string; line: string }> = {
  LimitNOFILE: { resource: "nofile", line: "Max open files" },
  LimitNPROC: { resource: "nproc", line: "Max processes" },
  LimitCORE: { resource: "core", line: "Max core file size" },
  LimitMEMLOCK: { resource: "memlock", line: "Max locked memory" },
  LimitSTACK: { resource: "stack", line: "Max stack size" },
};

/**
 * A Limit*= value as prlimit's soft:hard. Raising a hard limit needs CAP_SYS_RESOURCE, which systemd
 * has; a machine whose root lacks it (some sandboxes) gets the limit clamped to its own hard limit,
 * and the unit's log says so.
 */
function limitOption(ctx: Context, key: string, value: string): string {
  const { resource, line } = limits[key] ?? { resource: "", line: "" };
  const [soft = "", hard = soft] = value.replace(/infinity/g, "unlimited").split(":");
  const canRaise =
    ((BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? "0"}`) >> 24n) & 1n) === 1n;
  const current =
    readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith(line))
      ?.slice(line.length)
      .trim()
      .split(/\s+/)[1] ?? "unlimited";
  const cap = (v: string) => (canRaise || current === "unlimited" || (v !== "unlimited" && Number(v) <= Number(current)) ? v : current);
  const [s, h] = [cap(soft), cap(hard)];
  if (s !== soft || h !== hard)
    appendFileSync(
      logFile(ctx.unit),
      `systemctl shim: ${key}=${value} clamped to ${s}:${h} (this machine's hard limit; raising it needs CAP_SYS_RESOURCE)\n`,
    );
  return `--${resource}=${s}:${h}`;
}

/**
 * argv with the executable resolved, prlimit in front for Limit*=, and setpriv for User= (with the
 * user's supplementary groups). Both exec the command, so its pid stays the main pid.
 */
function commandLine(ctx: Context, cmd: ExecCommand): string[] {
  const [exe = "", ...args] = cmd.argv;
  const resolved = exe.startsWith("/")
    ? exe
    : defaultPath
        .split(":")
        .map((d) => join(d, exe))
        .find((p) => existsSync(p));
  if (!resolved || !existsSync(resolved)) throw new Error(`${exe}: executable not found`);
  const line = [resolved, ...args];
  if (ctx.user && !cmd.privileged && ctx.user.uid !== 0)
    line.unshift("setpriv", `--reuid=${ctx.user.uid}`, `--regid=${ctx.user.gid}`, "--init-groups", "--");
  const limitOptions = Object.keys(limits).flatMap((key) => {
    const value = lastValue(ctx.unit.settings, `Service.${key}`);
    return value ? [limitOption(ctx, key, value)] : [];
  });
  if (limitOptions.length > 0) line.unshift("prlimit", ...limitOptions, "--");
  return line;
}

/** Runs a command to completion; its output goes to the unit's log. Returns whether it succeeded. */
export function runToEnd(ctx: Context, cmd: ExecCommand, extraEnv: Record<string, string> = {}, timeoutSec = Infinity): boolean {
  const [exe = "", ...args] = commandLine(ctx, cmd);
  const log = openSync(logFile(ctx.unit), "a");
  const r = spawnSync(exe, args, {
    env: { ...ctx.env, ...extraEnv },
    cwd: ctx.cwd,
    stdio: ["ignore", log, log],
    ...(Number.isFinite(timeoutSec) ? { timeout: timeoutSec * 1000 } : {}),
  });
  return cmd.ignoreFailure || r.status === 0;
}

/** RuntimeDirectory=, StateDirectory=, LogsDirectory=, CacheDirectory=: created and owned by User=. */
export function createDirectories(ctx: Context): void {
  const roots: Record<string, string> = {
    Runtime: "/run",
    State: "/var/lib",
    Logs: "/var/log",
    Cache: "/var/cache",
    Configuration: "/etc",
  };
  for (const [kind, root] of Object.entries(roots)) {
    const mode = parseInt(lastValue(ctx.unit.settings, `Service.${kind}DirectoryMode`) ?? "0755", 8);
    for (const dir of listValue(ctx.unit.settings, `Service.${kind}Directory`)) {
      const path = join(root, dir);
      mkdirSync(path, { recursive: true, mode });
      if (ctx.user) chownSync(path, ctx.user.uid, ctx.user.gid);
    }
  }
}

export function removeRuntimeDirectories(ctx: Context): void {
  if (lastValue(ctx.unit.settings, "Service.RuntimeDirectoryPreserve") === "yes") return;
  for (const dir of listValue(ctx.unit.settings, "Service.RuntimeDirectory")) rmSync(join("/run", dir), { recursive: true, force: true });
}

/**
 * Starts the main process in a new session (its process group is the unit's "control group") and
 * returns its pid once it runs; for Type=notify, once it sent READY=1 (through socat, as node has no
 * unix datagram sockets).
 */
export async function startMain(ctx: Context, cmd: ExecCommand, type: string): Promise<number> {
  const [exe = "", ...args] = commandLine(ctx, cmd);
  const log = openSync(logFile(ctx.unit), "a");
  const env = { ...ctx.env };
  let ready: Promise<void> | undefined;
  let listener: ReturnType<typeof spawn> | undefined;
  if (type === "notify") {
    mkdirSync(stateDir, { recursive: true });
    const socket = join(stateDir, `${ctx.unit.name.full}.notify`);
    rmSync(socket, { force: true });
    listener = spawn("socat", ["-u", `UNIX-RECV:${socket},perm=0666`, "STDOUT"], { stdio: ["ignore", "pipe", "ignore"] });
    const l = listener;
    ready = new Promise((resolve) => {
      let seen = "";
      l.stdout?.on("data", (d: Buffer) => {
        seen += d.toString();
        // socat writes datagrams back to back ("RELOADING=1READY=1\n..."): look anywhere.
        if (seen.includes("READY=1")) resolve();
      });
    });
    for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 10));
    env.NOTIFY_SOCKET = socket;
  }
  const child = spawn(exe, args, { env, cwd: ctx.cwd, detached: true, stdio: ["ignore", log, log] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
    const pid = child.pid ?? 0;
    writeState(ctx.unit, { pid, startTime: processStartTime(pid) });
    if (ready) {
      const timeout = parseSeconds(lastValue(ctx.unit.settings, "Service.TimeoutStartSec"), 90);
      const exited = new Promise<void>((_, reject) => child.once("exit", (code) => reject(new Error(`exited ${code} before READY=1`))));
      const late = new Promise<void>((_, reject) =>
        setTimeout(() => reject(new Error(`no READY=1 within ${timeout} s`)), timeout * 1000).unref(),
      );
      await Promise.race([ready, exited, late]);
    }
    return pid;
  } finally {
    listener?.kill();
    child.unref();
  }
}

/**
 * Stops the main process by KillMode= (control-group: the whole process group; mixed and process:
 * the main process first), waits up to TimeoutStopSec= (default 90 s), then SIGKILLs what is left.
 */
export async function stopMain(ctx: Context): Promise<void> {
  const state = readState(ctx.unit);
  if (!state || state.pid === 0) return;
  const { pid, startTime } = state;
  const s = ctx.unit.settings;
  const killMode = lastValue(s, "Service.KillMode") ?? "control-group";
  const signal = signalName(lastValue(s, "Service.KillSignal") ?? "SIGTERM");
  const timeout = parseSeconds(lastValue(s, "Service.TimeoutStopSec"), 90);
  const send = (target: number, sig: NodeJS.Signals) => {
    try {
      process.kill(target, sig);
    } catch {
      /* gone */
    }
  };
  if (killMode === "none") return;
  if (killMode === "control-group") send(-pid, signal);
  else send(pid, signal);
  const deadline = Date.now() + timeout * 1000;
  const busy = () => processAlive(pid, startTime) || (killMode === "control-group" && groupMembers(pid).length > 0);
  while (busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (killMode === "process") {
    if (processAlive(pid, startTime)) send(pid, "SIGKILL");
    return;
  }
  // What is left of the group (mixed: everything but the main process) gets SIGKILL.
  if (processAlive(pid, startTime)) send(pid, "SIGKILL");
  for (const member of groupMembers(pid)) send(member, "SIGKILL");
}
