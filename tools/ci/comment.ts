/**
 * One pull-request comment per stack. pulumi/actions (comment-on-pr, edit-pr-comment) owns it: its
 * body starts with `#### :tropical_drink: \`preview\` on <project>/<stack>` and it finds the comment
 * again by that heading. portage adds marked sections to that same comment (the data-safety check),
 * and writes it in the same shape when pulumi/actions could not (a failed preview, a fork).
 */

const headingPrefix = "#### :tropical_drink: `preview` on ";
/** pulumi/actions looks for this too before it edits a comment instead of adding one. */
const reportSummary = "<summary>Pulumi report</summary>";
/** GitHub refuses comments over 65,536 characters. */
export const maxCommentChars = 60_000;

export function heading(project: string, stack: string): string {
  return `${headingPrefix}${project}/${stack}`;
}

/** Is this the stack's comment? Older pulumi/actions wrote `on <stack>`, newer `on <project>/<stack>`. */
export function isStackComment(body: string, stack: string): boolean {
  const first = body.split("\n", 1)[0]?.trim() ?? "";
  return first.startsWith(headingPrefix) && (first.endsWith(`/${stack}`) || first === `${headingPrefix}${stack}`);
}

const markers = (name: string) => [`<!-- portage:${name}:start -->`, `<!-- portage:${name}:end -->`] as const;

/** The body with the named section set to `section` (replaced in place, or appended). */
export function withSection(body: string, name: string, section: string): string {
  const [start, end] = markers(name);
  const block = `${start}\n${section.trim()}\n${end}`;
  const from = body.indexOf(start);
  const to = body.indexOf(end);
  if (from >= 0 && to > from) return `${body.slice(0, from)}${block}${body.slice(to + end.length)}`;
  return `${body.trimEnd()}\n\n${block}\n`;
}

/** A stack comment for when pulumi/actions did not write one (the preview failed before it could). */
export function placeholderComment(project: string, stack: string, runUrl: string): string {
  return [
    heading(project, stack),
    "",
    "<details>",
    reportSummary,
    "",
    `The preview did not finish: see [the job log](${runUrl}).`,
    "",
    "</details>",
  ].join("\n");
}

/** Text shown inside a code block: fences neutralised, long text cut (from the front of a diff's tail is less useful). */
export function codeBlock(text: string, language: string, limit: number): string {
  const body =
    text.length > limit
      ? `${text.slice(0, limit)}\n... (cut: ${text.length - limit} more characters; the full plan is in the run's artifact)`
      : text;
  return ["```" + language, body.replace(/```/g, "` ` `").trimEnd(), "```"].join("\n");
}

export interface ForkPlan {
  /** `diff -u` of the base branch's plan and this pull request's; empty when nothing changes. */
  diff?: string;
  /** This pull request's plan, when there is no base plan to compare with. */
  plan?: string;
}

/**
 * The stack's comment on a pull request from a fork: no secrets there, so no cloud preview; the tests
 * and the offline plan ran instead. Built by the trusted workflow; the plan text is data only.
 */
export function forkComment(options: { project: string; stack: string; runUrl: string; conclusion: string; plan?: ForkPlan }): string {
  const { project, stack, runUrl, conclusion, plan } = options;
  const lines = [
    heading(project, stack),
    "",
    "<details>",
    reportSummary,
    "",
    `:lock: This pull request comes from a fork, so its checks run without cloud credentials or secrets: there is no \`pulumi preview\` of \`${stack}\`.`,
    `Instead the tests ran (${conclusion === "success" ? ":white_check_mark: passed" : `:x: ${conclusion}`}, [run](${runUrl})) and the offline plan below evaluates the program with Pulumi's mock runtime (\`npm run plan -- --stack ${stack}\`).`,
    "A maintainer gets the real preview by pushing this branch to the repository.",
    "",
  ];
  const room = maxCommentChars - lines.join("\n").length - 500;
  if (plan?.diff !== undefined) {
    lines.push(
      plan.diff.trim() === ""
        ? "The offline plan is the same as on the base branch."
        : `Offline plan, base branch -> this pull request:\n\n${codeBlock(plan.diff, "diff", room)}`,
    );
  } else if (plan?.plan !== undefined) {
    lines.push(`Offline plan (no plan of the base branch to compare with):\n\n${codeBlock(plan.plan, "", room)}`);
  } else {
    lines.push(`The offline plan did not run: see [the run](${runUrl}).`);
  }
  lines.push("", "</details>");
  return lines.join("\n");
}
