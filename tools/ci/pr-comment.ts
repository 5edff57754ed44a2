import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { forkComment, isStackComment, maxCommentChars, placeholderComment, withSection, type ForkPlan } from "./comment";
import { gitHub, type GitHub, type IssueComment } from "./github";

/** Only comments the workflow's token wrote are edited: never a person's. */
const bot = "github-actions[bot]";

function stackComment(comments: IssueComment[], stack: string): IssueComment | undefined {
  return comments.find((c) => (c.user?.login ?? bot) === bot && isStackComment(c.body, stack));
}

/** Puts `section` into the stack's comment (the one pulumi/actions wrote), creating the comment if needed. */
export async function upsertSection(
  github: GitHub,
  o: { pr: number; project: string; stack: string; name: string; section: string; runUrl: string },
): Promise<"updated" | "created"> {
  const existing = stackComment(await github.listComments(o.pr), o.stack);
  const body = withSection(existing?.body ?? placeholderComment(o.project, o.stack, o.runUrl), o.name, o.section);
  if (existing) await github.updateComment(existing.id, body.slice(0, maxCommentChars + 4000));
  else await github.createComment(o.pr, body);
  return existing ? "updated" : "created";
}

/**
 * The fork's comment: the pull request is found from the triggering run's head (owner, branch and
 * commit, all from GitHub's event), never from the fork's own files.
 */
export async function postForkComment(
  github: GitHub,
  o: {
    headOwner: string;
    headBranch: string;
    headSha: string;
    project: string;
    stack: string;
    runUrl: string;
    conclusion: string;
    plan?: ForkPlan;
  },
): Promise<number | undefined> {
  const pr = (await github.pullsByHead(o.headOwner, o.headBranch)).find((p) => p.head.sha === o.headSha);
  if (!pr) return undefined;
  const body = forkComment(o);
  const existing = stackComment(await github.listComments(pr.number), o.stack);
  if (existing) await github.updateComment(existing.id, body);
  else await github.createComment(pr.number, body);
  return pr.number;
}

function projectName(): string {
  return (parse(readFileSync("Pulumi.yaml", "utf8")) as { name: string }).name;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const read = (path: string | undefined) => (path && existsSync(path) ? readFileSync(path, "utf8") : undefined);

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      pr: { type: "string" },
      stack: { type: "string" },
      name: { type: "string" },
      file: { type: "string" },
      diff: { type: "string" },
      plan: { type: "string" },
    },
  });
  const github = gitHub({ token: required("GITHUB_TOKEN"), repository: required("GITHUB_REPOSITORY"), api: process.env.GITHUB_API_URL });
  const runUrl = `${process.env.GITHUB_SERVER_URL ?? "https://github.com"}/${required("GITHUB_REPOSITORY")}/actions/runs/${process.env.GITHUB_RUN_ID ?? ""}`;
  const stack = values.stack ?? "";
  if (positionals[0] === "section") {
    const section = read(values.file) ?? "The check did not produce a report: see the job log.";
    const done = await upsertSection(github, {
      pr: Number(values.pr),
      project: projectName(),
      stack,
      name: values.name ?? "section",
      section,
      runUrl,
    });
    process.stdout.write(`${done} the ${stack} comment on #${values.pr}\n`);
  } else if (positionals[0] === "fork") {
    const diff = read(values.diff);
    const plan = read(values.plan);
    const pr = await postForkComment(github, {
      headOwner: required("HEAD_OWNER"),
      headBranch: required("HEAD_BRANCH"),
      headSha: required("HEAD_SHA"),
      project: projectName(),
      stack,
      runUrl: required("RUN_URL"),
      conclusion: required("RUN_CONCLUSION"),
      plan: diff !== undefined ? { diff } : plan !== undefined ? { plan } : undefined,
    });
    process.stdout.write(pr ? `commented on #${pr} for ${stack}\n` : "no open pull request matches the run's head commit; nothing to do\n");
  } else {
    throw new Error(
      "usage: pr-comment.ts section --pr <n> --stack <s> --name <section> --file <md> | fork --stack <s> [--diff <file> | --plan <file>]",
    );
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  });
}
