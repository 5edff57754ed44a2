import { RunError } from "@pulumi/pulumi";
import { closest, distance } from "fastest-levenshtein";
import type { z } from "zod";

/**
 * Every problem found in the stack config, thrown before any resource is registered.
 * A RunError, so that Pulumi prints the message alone, without a stack trace.
 */
export class ConfigError extends RunError {
  constructor(readonly problems: string[]) {
    super(
      `the stack config has ${problems.length === 1 ? "a problem" : `${problems.length} problems`}; nothing was created or changed:\n` +
        problems.map((p) => `  ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** `portage:fleet.regions[1]` from `["fleet", "regions", 1]`. */
export function keyPath(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path;
  return `portage:${String(head)}` + rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
}

/** Shows a given value the way the user wrote it. */
export function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  return JSON.stringify(value);
}

/** "did you mean" for a misspelt name, when one is close enough to be a likely typo. */
export function suggestion(name: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return "";
  const best = closest(name, candidates as string[]);
  return distance(name.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean "${best}"?)` : "";
}

const typeWords: Record<string, string> = {
  string: "a string",
  number: "a whole number", // every number in the config is a whole number
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object of settings",
};

/** One line per zod issue, naming the key, what was given and what is allowed. */
export function describeIssue(issue: z.core.$ZodIssue, allowedKeys: (path: PropertyKey[]) => string[]): string[] {
  const at = keyPath(issue.path);
  const given = shown(issue.input);
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(issue.path as PropertyKey[]);
      return issue.keys.map(
        (key) => `${keyPath([...issue.path, key])}: unknown key${suggestion(key, allowed)}; allowed keys here: ${allowed.join(", ")}`,
      );
    }
    case "invalid_type": {
      const expected = typeWords[issue.expected] ?? issue.expected;
      return [issue.input === undefined ? `${at}: is required; give ${expected}` : `${at}: ${given} is not ${expected}`];
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => String(v)).join(" or ");
      return [issue.input === undefined ? `${at}: is required; use ${allowed}` : `${at}: ${given} is not allowed; use ${allowed}`];
    }
    case "too_small":
      return [
        issue.origin === "array"
          ? `${at}: needs at least ${String(issue.minimum)} item${Number(issue.minimum) === 1 ? "" : "s"}`
          : `${at}: ${given} is too small; the minimum is ${String(issue.minimum)}`,
      ];
    case "too_big":
      if (issue.origin === "array") return [`${at}: allows at most ${String(issue.maximum)} items`];
      if (issue.origin === "string") {
        return [`${at}: is ${String(issue.input).length} characters long; at most ${String(issue.maximum)} are allowed`];
      }
      return [`${at}: ${given} is too large; the maximum is ${String(issue.maximum)}`];
    case "invalid_union":
      return [`${at}: ${given} is not valid here; ${issue.message}`];
    default:
      return [`${at}: ${given}: ${issue.message}`];
  }
}

/** Collects every problem of the config, each with its key path, so that all are reported at once. */
export class Problems {
  readonly list: string[] = [];
  /** What works but is most likely not what the user wants: shown by `pulumi preview`, never fatal. */
  readonly warnings: string[] = [];

  /** A problem with a portage key: `portage:<key>: <text>`. */
  at(key: string, text: string): void {
    this.list.push(`portage:${key}: ${text}`);
  }

  /** A problem with a key of another namespace, written whole (`gcp:project: ...`). */
  other(line: string): void {
    this.list.push(line);
  }

  add(lines: readonly string[]): void {
    this.list.push(...lines);
  }

  /** A warning about a portage key: `portage:<key>: <text>`. */
  warn(key: string, text: string): void {
    this.warnings.push(`portage:${key}: ${text}`);
  }

  get any(): boolean {
    return this.list.length > 0;
  }
}
