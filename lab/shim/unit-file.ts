/**
 * Reading systemd unit files the way systemd does, for the local fleet's systemctl shim: sections
 * and keys (drop-ins appended, an empty assignment resets a list), specifiers (%i, %n, ...),
 * Environment= and EnvironmentFile= syntax, and Exec command lines with `$VAR` / `${VAR}`.
 * Pure: text in, values out.
 */

/** Every assignment of a unit and its drop-ins, in order, by "Section.Key". */
export type UnitSettings = Map<string, string[]>;

export function parseUnit(texts: readonly string[]): UnitSettings {
  const settings: UnitSettings = new Map();
  for (const text of texts) {
    let section = "";
    for (const line of logicalLines(text)) {
      const header = /^\[(.+)\]$/.exec(line);
      if (header) {
        section = header[1] ?? "";
        continue;
      }
      const eq = line.indexOf("=");
      if (eq < 0) continue;
      const key = `${section}.${line.slice(0, eq).trim()}`;
      const value = line.slice(eq + 1).trim();
      // An empty assignment resets everything assigned before (how drop-ins clear ExecStart=).
      settings.set(key, value === "" ? [] : [...(settings.get(key) ?? []), value]);
    }
  }
  return settings;
}

/** Lines without comments and blank lines, with backslash continuations joined. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#") || line.startsWith(";"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trimEnd()} `;
      continue;
    }
    out.push(pending + line);
    pending = "";
  }
  if (pending) out.push(pending.trim());
  return out;
}

/** The last assignment of a single-valued key. */
export function lastValue(settings: UnitSettings, key: string): string | undefined {
  const values = settings.get(key);
  return values && values.length > 0 ? values[values.length - 1] : undefined;
}

/** A list key whose values are themselves space-separated (Requires=a b, After=...). */
export function listValue(settings: UnitSettings, key: string): string[] {
  return (settings.get(key) ?? []).flatMap((v) => v.split(/\s+/).filter(Boolean));
}

export interface UnitName {
  /** e.g. `hello@4000.service` */
  full: string;
  /** e.g. `hello` */
  prefix: string;
  /** e.g. `4000`; empty for a unit that is not a template instance. */
  instance: string;
  /** The file systemd reads for it: `hello@.service` for an instance. */
  template: string | undefined;
}

export function unitName(name: string): UnitName {
  const full = /\.(service|target|socket|timer|path|mount)$/.test(name) ? name : `${name}.service`;
  const m = /^([^@]+)@([^.]*)\.(\w+)$/.exec(full);
  if (!m) return { full, prefix: full.replace(/\.\w+$/, ""), instance: "", template: undefined };
  return { full, prefix: m[1] ?? "", instance: m[2] ?? "", template: `${m[1]}@.${m[3]}` };
}

export interface SpecifierContext {
  name: UnitName;
  hostname: string;
  home: string;
  user: string;
}

/** Resolves systemd's specifiers (%i %I %n %N %p %P %H %h %u %t %S %L %C %E %%); others stay as written. */
export function resolveSpecifiers(value: string, ctx: SpecifierContext): string {
  const unescape = (s: string) =>
    s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/-/g, "/");
  const table: Record<string, string> = {
    i: ctx.name.instance,
    I: unescape(ctx.name.instance),
    n: ctx.name.full,
    N: ctx.name.full.replace(/\.\w+$/, ""),
    p: ctx.name.prefix,
    P: unescape(ctx.name.prefix),
    H: ctx.hostname,
    h: ctx.home,
    u: ctx.user,
    t: "/run",
    S: "/var/lib",
    L: "/var/log",
    C: "/var/cache",
    E: "/etc",
    "%": "%",
  };
  return value.replace(/%(.)/g, (whole, c: string) => table[c] ?? whole);
}

/** Splits a value into words: whitespace separates, "..." and '...' quote, backslash escapes. */
export function splitWords(value: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] ?? "";
    if (c === "\\" && i + 1 < value.length && quote !== "'") {
      const next = value[++i] ?? "";
      word = (word ?? "") + ({ n: "\n", t: "\t" }[next] ?? next);
    } else if (quote) {
      if (c === quote) quote = undefined;
      else word = (word ?? "") + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word = word ?? "";
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) throw new Error(`unbalanced quote in: ${value}`);
  if (word !== undefined) words.push(word);
  return words;
}

/** `Environment="A=1" B=2`: the assignments, in order. */
export function parseEnvironment(value: string): [string, string][] {
  return splitWords(value).flatMap((w) => {
    const eq = w.indexOf("=");
    return eq > 0 ? [[w.slice(0, eq), w.slice(eq + 1)] as [string, string]] : [];
  });
}

/**
 * An EnvironmentFile=, read as systemd does: KEY=VALUE lines, # or ; comments; in "double quotes"
 * a backslash escapes only \\ " $ and `; 'single quotes' are literal; unquoted, a backslash escapes
 * any character and surrounding blanks go.
 */
export function parseEnvironmentFile(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const double = /^"(.*)"$/.exec(value);
    const single = /^'(.*)'$/.exec(value);
    if (double) out.push([key, (double[1] ?? "").replace(/\\([\\"$`])/g, "$1")]);
    else if (single) out.push([key, single[1] ?? ""]);
    else out.push([key, value.replace(/\\(.)/g, "$1")]);
  }
  return out;
}

export interface ExecCommand {
  /** `-`: a non-zero exit is not a failure. */
  ignoreFailure: boolean;
  /** `+`/`!`: runs with full privileges, not as User=. */
  privileged: boolean;
  argv: string[];
}

/**
 * An Exec*= line: prefixes, then words, where a word `$VAR` becomes the variable's value split at
 * whitespace and `${VAR}` is replaced within its word; `$$` is a literal `$`.
 */
export function parseExec(line: string, env: Readonly<Record<string, string>>): ExecCommand {
  const prefix = /^[-@:+!]*/.exec(line)?.[0] ?? "";
  const words = splitWords(line.slice(prefix.length));
  const argv = words.flatMap((w) => {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(w);
    if (whole) return (env[whole[1] ?? ""] ?? "").split(/\s+/).filter(Boolean);
    return [w.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name?: string) => (name ? (env[name] ?? "") : "$"))];
  });
  if (argv.length === 0) throw new Error(`empty command: ${line}`);
  return { ignoreFailure: prefix.includes("-"), privileged: prefix.includes("+") || prefix.includes("!"), argv };
}

/** A time span in seconds: "90", "90s", "1min 30s", "500ms", "infinity" (Infinity). */
export function parseSeconds(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value.trim() === "infinity") return Infinity;
  const units: Record<string, number> = { "": 1, s: 1, sec: 1, ms: 0.001, m: 60, min: 60, h: 3600, hr: 3600 };
  let total = 0;
  for (const part of value.trim().split(/\s+/)) {
    const m = /^(\d+(?:\.\d+)?)([a-z]*)$/.exec(part);
    const unit = m ? units[m[2] ?? ""] : undefined;
    if (!m || unit === undefined) throw new Error(`not a time span: ${value}`);
    total += Number(m[1]) * unit;
  }
  return total;
}

/** "TERM", "SIGTERM" or "15" as a signal name node understands. */
export function signalName(value: string): NodeJS.Signals {
  const numbers: Record<string, string> = {
    "1": "SIGHUP",
    "2": "SIGINT",
    "9": "SIGKILL",
    "10": "SIGUSR1",
    "12": "SIGUSR2",
    "15": "SIGTERM",
  };
  const name = numbers[value] ?? (value.startsWith("SIG") ? value : `SIG${value}`);
  return name as NodeJS.Signals;
}
