import type { PolicyProviderResource } from "@pulumi/policy";

/** Tags (aws) and labels (gcp) as the engine sends them. */
export type Labels = Record<string, string>;

/** Where portage puts its tags: the resource's own, the computed set, and the provider's defaults. */
export interface Labelled {
  tags?: Labels | string[];
  /** Output only (stack policies see it): the tags with the provider defaults merged in. */
  tagsAll?: Labels;
  labels?: Labels;
  settings?: { userLabels?: Labels };
}

export const roleTag = "portage-role";
export const productionTag = "portage-production";
/**
 * On a production database the stack lets go of (`moved`: a finished migration's source, `cancelled`:
 * a cancelled one's target): unprotected on purpose, so that the update closing the migration deletes
 * it, and kept by its final snapshot or backup instead.
 */
export const leavingTag = "portage-leaving";

/** `edge`, `node`, `database`, `bucket`, or undefined when the resource does not say. */
export function roleOf(props: Labelled): string | undefined {
  return labelsOf(props)[roleTag];
}

export function isEdge(props: Labelled): boolean {
  return roleOf(props) === "edge";
}

/**
 * A production stack tags everything `portage-production=true`, mostly through the provider's
 * default tags / labels, which the engine passes with the provider (as JSON text).
 */
export function isProduction(props: Labelled, provider?: Pick<PolicyProviderResource, "props">): boolean {
  const own = labelsOf(props)[productionTag];
  if (own !== undefined) return own === "true";
  const defaults = providerDefaults(provider?.props ?? {});
  return defaults[productionTag] === "true";
}

/** A database the stack lets go of (see `leavingTag`): why, or undefined. */
export function leavingOf(props: Labelled): string | undefined {
  return labelsOf(props)[leavingTag];
}

function labelsOf(props: Labelled): Labels {
  const ownTags = Array.isArray(props.tags) ? {} : (props.tags ?? {});
  return { ...(props.settings?.userLabels ?? {}), ...(props.labels ?? {}), ...(props.tagsAll ?? {}), ...ownTags };
}

function providerDefaults(props: Record<string, unknown>): Labels {
  const awsDefaults = parsed(props.defaultTags) as { tags?: Labels } | undefined;
  const gcpDefaults = parsed(props.defaultLabels) as Labels | undefined;
  return { ...(gcpDefaults ?? {}), ...(awsDefaults?.tags ?? {}) };
}

/** Provider inputs that are objects reach the engine as JSON text. */
function parsed(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** A CIDR that matches every address: `0.0.0.0/0`, `::/0` (any `/0`). */
export function isWorld(cidr: string): boolean {
  return /\/0$/.test(cidr.trim());
}

/** The ports the web may reach, on the edge only. */
export const webPorts: readonly number[] = [80, 443];

/** An inclusive port range; `all` covers every port. */
export interface PortRange {
  from: number;
  to: number;
}

export const allPorts: PortRange = { from: 0, to: 65535 };

export function covers(range: PortRange, port: number): boolean {
  return range.from <= port && port <= range.to;
}

/** Only 80 and/or 443: a range that lets in any other port is more than web traffic. */
export function onlyWeb(range: PortRange): boolean {
  for (let port = range.from; port <= range.to; port++) if (!webPorts.includes(port)) return false;
  return true;
}

export function describePorts(range: PortRange): string {
  if (range.from <= 0 && range.to >= 65535) return "every port";
  return range.from === range.to ? `port ${range.from}` : `ports ${range.from}-${range.to}`;
}

/** aws protocols: `-1`/`all` is every protocol; `tcp` is also `6`. */
export function isTcp(protocol: string | undefined): boolean {
  return protocol === "tcp" || protocol === "6";
}

export function isAllProtocols(protocol: string | undefined): boolean {
  return protocol === "-1" || protocol === "all";
}

/** A value as a message shows it: `"optional"`, `3`, or `not set`. */
export function shown(value: unknown): string {
  return value === undefined || value === null ? "not set" : JSON.stringify(value);
}
