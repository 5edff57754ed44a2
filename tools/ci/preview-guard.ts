/**
 * The data-safety check of a pull request's preview: reads `pulumi preview --json` and names every
 * database, bucket or disk the update would replace or delete, with the reason. In a production
 * stack that fails the check (unless the pull request is labelled `allow-data-loss`).
 */

/** A step of `pulumi preview --json` (Pulumi's previewStep; the fields this check reads). */
export interface PreviewStep {
  op: string;
  urn: string;
  provider?: string;
  oldState?: { type?: string; protect?: boolean; inputs?: Record<string, unknown> };
  newState?: { type?: string; protect?: boolean; inputs?: Record<string, unknown> };
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }>;
}

export interface PreviewDocument {
  config?: Record<string, string>;
  steps?: PreviewStep[];
  diagnostics?: { urn?: string; message?: string; severity?: string }[];
  changeSummary?: Record<string, number>;
}

/** What holds data, by resource type. */
export const stateful: Record<string, "database" | "bucket" | "disk"> = {
  "aws:rds/instance:Instance": "database",
  "aws:rds/cluster:Cluster": "database",
  "gcp:sql/databaseInstance:DatabaseInstance": "database",
  "gcp:sql/database:Database": "database",
  "aws:s3/bucket:Bucket": "bucket",
  "aws:s3/bucketV2:BucketV2": "bucket",
  "gcp:storage/bucket:Bucket": "bucket",
  "aws:ebs/volume:Volume": "disk",
  "gcp:compute/disk:Disk": "disk",
  "gcp:compute/regionDisk:RegionDisk": "disk",
};

const replacing = new Set(["replace", "create-replacement", "delete-replaced", "import-replacement"]);

/** A read replica (Cloud SQL `masterInstanceName`, RDS `replicateSourceDb`) holds nothing its primary lacks. */
function isReadReplica(step: PreviewStep): boolean {
  const inputs = step.oldState?.inputs ?? step.newState?.inputs ?? {};
  return Boolean(inputs.masterInstanceName || inputs.replicateSourceDb);
}

export interface Finding {
  name: string;
  urn: string;
  type: string;
  kind: "database" | "bucket" | "disk";
  action: "replaced" | "deleted";
  reason: string;
}

export interface Verdict {
  stack: string;
  production: boolean;
  findings: Finding[];
  /** Errors the preview itself reported (it failed before or while planning). */
  errors: string[];
  /** The check fails: data would be lost in production without the label, or there was no preview. */
  blocked: boolean;
}

/** The resource's name and type from its URN: `urn:pulumi:<stack>::<project>::<parent$type>::<name>`. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const qualified = parts[2] ?? "";
  return { type: qualified.split("$").pop() ?? qualified, name: parts.slice(3).join("::") };
}

export function findLosses(doc: PreviewDocument): Finding[] {
  const byUrn = new Map<string, Finding>();
  const provider = doc.config?.["portage:provider"];
  for (const step of doc.steps ?? []) {
    const { type: urnType, name } = parseUrn(step.urn);
    const type = step.newState?.type ?? step.oldState?.type ?? urnType;
    const kind = stateful[type];
    if (!kind || !(replacing.has(step.op) || step.op === "delete") || isReadReplica(step)) continue;
    const action = replacing.has(step.op) ? "replaced" : "deleted";
    const previous = byUrn.get(step.urn);
    if (previous && (previous.action === "replaced" || action === "deleted")) continue;
    byUrn.set(step.urn, { name, urn: step.urn, type, kind, action, reason: reasonOf(step, action, type, provider) });
  }
  return [...byUrn.values()];
}

function reasonOf(step: PreviewStep, action: Finding["action"], type: string, provider: string | undefined): string {
  if (action === "replaced") {
    const keys = step.replaceReasons?.length
      ? step.replaceReasons
      : Object.entries(step.detailedDiff ?? {})
          .filter(([, d]) => d.kind.endsWith("-replace"))
          .map(([k]) => k);
    return keys.length
      ? `${keys.map((k) => `\`${k}\``).join(", ")} changed, which the cloud can only apply by creating a new one`
      : "the provider must create a new one";
  }
  const cloud = type.split(":")[0];
  const protectedNote = step.oldState?.protect ? " (it is protected: pulumi up would stop there)" : "";
  if (provider && cloud && cloud !== provider)
    return `portage:provider is now ${provider}, so the ${cloud} resource would be deleted${protectedNote}`;
  return `it is no longer in the program${protectedNote}`;
}

export function judge(
  doc: PreviewDocument | undefined,
  options: { stack: string; production?: boolean; allowDataLoss?: boolean },
): Verdict {
  const production = options.production ?? doc?.config?.["portage:production"] === "true";
  const findings = doc ? findLosses(doc) : [];
  const errors = doc
    ? (doc.diagnostics ?? []).filter((d) => d.severity === "error" && d.message?.trim()).map((d) => d.message!.trim())
    : ["`pulumi preview --json` produced no JSON: the preview did not run (see the job log)."];
  const blocked = !doc || (production && findings.length > 0 && !options.allowDataLoss);
  return { stack: options.stack, production, findings, errors, blocked };
}

const maxErrorChars = 1500;

/** The check's section of the stack's pull-request comment. */
export function markdown(verdict: Verdict, allowDataLoss = false): string {
  const lines = [`**Data safety** (${verdict.stack}, ${verdict.production ? "production" : "not production"})`, ""];
  if (verdict.findings.length === 0) {
    lines.push(":white_check_mark: No database, bucket or disk would be replaced or deleted.");
  } else {
    const icon = verdict.blocked ? ":x:" : ":warning:";
    const why = !verdict.production
      ? "allowed: this is not a production stack"
      : allowDataLoss
        ? "allowed by the `allow-data-loss` label"
        : "this fails the check in a production stack";
    lines.push(`${icon} This update would destroy data (${why}):`, "", "| resource | holds | happens | why |", "| --- | --- | --- | --- |");
    for (const f of verdict.findings) lines.push(`| \`${f.name}\` (${f.type}) | ${f.kind} | ${f.action} | ${f.reason} |`);
    if (verdict.blocked) {
      lines.push(
        "",
        'Move or back up the data first (see the README, "Security and data safety"), or revert the change that causes it.',
        "If losing it is intended, a maintainer adds the `allow-data-loss` label and re-runs this check.",
      );
    }
  }
  if (verdict.errors.length > 0) {
    const text = verdict.errors.join("\n\n");
    const shown = text.length > maxErrorChars ? `${text.slice(0, maxErrorChars)}\n...` : text;
    lines.push("", ":x: The preview reported errors:", "", "```", shown.replace(/```/g, "'''"), "```");
  }
  return lines.join("\n");
}

/** `pulumi preview --json` output; undefined when it is not JSON (the preview did not run). */
export function readPreview(text: string): PreviewDocument | undefined {
  const start = text.indexOf("{");
  if (start < 0) return undefined;
  try {
    return JSON.parse(text.slice(start)) as PreviewDocument;
  } catch {
    return undefined;
  }
}
