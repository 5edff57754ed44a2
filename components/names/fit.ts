import { createHash } from "node:crypto";

/** The first `length` hex characters of the name's sha256: the same name always gets the same hash. */
export function hashOf(text: string, length = 6): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * `name` within `max` characters: kept whole when it fits, otherwise cut and ended with `<separator><hash>`
 * of the whole name, so that two long names that share their beginning stay distinct (and stable).
 */
export function cut(name: string, max: number, separator = "-"): string {
  if (name.length <= max) return name;
  const tail = hashOf(name);
  const head = name.slice(0, max - tail.length - separator.length);
  return `${head.replace(new RegExp(`[${separator === "-" ? "\\-" : separator}]+$`), "")}${separator}${tail}`;
}

/**
 * An RFC 1035 name (`[a-z]([-a-z0-9]*[a-z0-9])?`) within `max` characters, for GCP resource names,
 * network tags and service account ids: lowercase, every run of other characters becomes one dash,
 * a name that does not start with a letter gets `p-` in front, a long one is cut with a hash.
 */
export function rfc1035Name(text: string, max: number): string {
  let name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(name)) name = `p-${name}`;
  return cut(name, max);
}

/** A DNS label (RFC 1123: letters, digits, inner hyphens, at most 63), from any text. */
export function dnsLabel(text: string): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/^-+|-+$/g, "");
  if (label === "") return `x${hashOf(text)}`;
  return cut(label, 63);
}
