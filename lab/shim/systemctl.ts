/**
 * `systemctl` for the hosts of the local fleet, which have no systemd: it runs the rendered units for
 * real (see docs/readme/local-fleet.md for what it emulates and what not). Installed first on PATH
 * inside each host by lab/fleet/shim.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { enabledState, Failure, mustLoad, reload, setEnabled, start, startInBackground, stop } from "./jobs";
import { lastValue, signalName } from "./unit-file";
import { activeState, loadUnit, logFile, markFailed, readState, type Unit } from "./units";

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
  console.log(
    `● ${unit.name.full}\n     Loaded: loaded (${unit.path}; ${p.UnitFileState})\n     Active: ${p.ActiveState}\n   Main PID: ${p.MainPID}\n\n${log.join("\n")}`,
  );
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
    else if (["-p", "-s", "-n", "--property", "--signal", "--lines", "--kill-whom"].includes(a))
      values[a.replace(/^-+/, "").replace(/^p$/, "property").replace(/^s$/, "signal")] = argv[++i] ?? "";
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
        if (flags.has("--no-block") && lastValue(u.settings, "Service.Type") === "oneshot" && activeState(u) !== "active")
          startInBackground(u);
        else await start(u);
      }
      return 0;
    case "stop":
      for (const u of units(verb)) await stop(u);
      return 0;
    case "restart":
      for (const u of units(verb)) (await stop(u), await start(u));
      return 0;
    case "try-restart":
      for (const u of units(verb)) if (activeState(u) === "active") (await stop(u), await start(u));
      return 0;
    case "reload":
      for (const u of units(verb)) reload(u);
      return 0;
    case "reload-or-restart":
      for (const u of units(verb)) {
        if (activeState(u) === "active" && (u.settings.get("Service.ExecReload") ?? []).length > 0) reload(u);
        else (await stop(u), await start(u));
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
