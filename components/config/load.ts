import * as pulumi from "@pulumi/pulumi";
import { distance } from "fastest-levenshtein";
import { z } from "zod";
import { ConfigError, describeIssue, suggestion } from "./errors";
import { readProviderConfig, resolveSpec, type StackContext } from "./resolve";
import { configKeys, configSchema, objectKeys, type ObjectKey } from "./schema";
import type { Spec } from "./spec";

/**
 * Parses the stack's flat config map (as Pulumi hands it to a program: `"portage:fleet"` -> JSON text)
 * into the validated spec. Throws a ConfigError listing every problem; registers nothing.
 */
export function parseStackConfig(config: Record<string, string>, ctx: Omit<StackContext, "providers">): Spec {
  const problems: string[] = [];
  const input: Record<string, unknown> = {};

  for (const [fullKey, text] of Object.entries(config)) {
    const [namespace, key = ""] = splitKey(fullKey);
    if (namespace !== "portage") {
      if (looksLikePortage(namespace)) {
        problems.push(
          `${fullKey}: unknown namespace "${namespace}" (did you mean "portage:${key}"?); Pulumi would pass it to no one and the setting would be ignored`,
        );
      }
      continue;
    }
    if (!(configKeys as string[]).includes(key)) {
      problems.push(`portage:${key}: unknown key${suggestion(key, configKeys)}; portage keys are ${configKeys.join(", ")}`);
      continue;
    }
    input[key] = key in objectKeys ? parseJson(text) : parseScalar(key, text);
  }

  const parsed = configSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    problems.push(...parsed.error.issues.flatMap((issue) => describeIssue(issue, allowedKeysAt)));
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  const resolved = resolveSpec(parsed.data, { ...ctx, providers: readProviderConfig(config) });
  if ("problems" in resolved) throw new ConfigError(resolved.problems);
  return resolved.spec;
}

/** Reads the running stack's config through Pulumi; the one place the program touches config. */
export function loadSpec(): Spec {
  const spec = parseStackConfig(pulumi.runtime.allConfig(), {
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    cwd: process.cwd(),
  });
  for (const warning of spec.warnings) pulumi.log.warn(warning);
  if (!spec.production && /prod/i.test(spec.stack)) {
    pulumi.log.warn(
      `stack "${spec.stack}" looks like production but portage:production is false: nothing is protected from deletion. ` +
        `Set it with: pulumi config set portage:production true`,
    );
  }
  return spec;
}

/** A namespace one or two typos away from `portage` (`portge`, `portage-`, `Portage`): never a provider's. */
function looksLikePortage(namespace: string): boolean {
  return namespace.toLowerCase() === "portage" || distance(namespace.toLowerCase(), "portage") <= 2;
}

function splitKey(fullKey: string): [string, string | undefined] {
  const at = fullKey.indexOf(":");
  return at < 0 ? [fullKey, undefined] : [fullKey.slice(0, at), fullKey.slice(at + 1)];
}

/** Object keys arrive as JSON text; a plain string there is kept as is so the schema reports it. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parseScalar(key: string, text: string): unknown {
  if (key === "production" || key === "allowDataLoss") return text === "true" ? true : text === "false" ? false : text;
  return text;
}

function allowedKeysAt(path: PropertyKey[]): string[] {
  const [head] = path;
  if (head === undefined) return configKeys;
  const schema = objectKeys[head as ObjectKey] as z.ZodObject | undefined;
  return schema ? Object.keys(schema.shape) : [];
}
