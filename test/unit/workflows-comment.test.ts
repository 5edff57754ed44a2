import { describe, expect, it } from "vitest";
import { forkComment, heading, isStackComment, withSection } from "../../tools/ci/comment";
import { gitHub, type GitHub, type IssueComment } from "../../tools/ci/github";
import { postForkComment, upsertSection } from "../../tools/ci/pr-comment";

/** What pulumi/actions posts for a preview (its heading, the report in <details>). */
const pulumiComment = (stack: string) =>
  [
    heading("portage", stack),
    "",
    "<details>",
    "<summary>Pulumi report</summary>",
    "",
    "<pre>",
    "Previewing update (prod):",
    "   ~ 1 to update",
    "</pre>",
    "</details>",
  ].join("\n");

function fakeGitHub(comments: IssueComment[], pulls: { number: number; head: { sha: string } }[] = []) {
  const calls: string[] = [];
  const api: GitHub = {
    listComments: async () => comments,
    createComment: async (pr, body) => {
      calls.push(`create #${pr}`);
      comments.push({ id: 900 + comments.length, body, user: { login: "github-actions[bot]" } });
    },
    updateComment: async (id, body) => {
      calls.push(`update ${id}`);
      const comment = comments.find((c) => c.id === id);
      if (comment) comment.body = body;
    },
    pullsByHead: async () => pulls,
  };
  return { api, calls, comments };
}

describe("the stack's pull-request comment", () => {
  it("recognises pulumi/actions' heading for this stack only", () => {
    expect(isStackComment(pulumiComment("prod"), "prod")).toBe(true);
    expect(isStackComment(pulumiComment("prod"), "dev")).toBe(false);
    expect(isStackComment("#### :tropical_drink: `preview` on acme/portage/prod\n...", "prod")).toBe(true);
    expect(isStackComment("#### :tropical_drink: `up` on portage/prod", "prod")).toBe(false);
  });

  it("adds the data-safety section to the stack's comment, then replaces it on the next run", async () => {
    const gh = fakeGitHub([
      { id: 1, body: pulumiComment("dev"), user: { login: "github-actions[bot]" } },
      { id: 2, body: pulumiComment("prod"), user: { login: "github-actions[bot]" } },
    ]);
    const options = { pr: 7, project: "portage", stack: "prod", name: "guard", runUrl: "https://github.com/o/r/actions/runs/1" };
    expect(await upsertSection(gh.api, { ...options, section: ":x: database-postgres replaced" })).toBe("updated");
    expect(await upsertSection(gh.api, { ...options, section: ":white_check_mark: nothing lost" })).toBe("updated");
    expect(gh.calls).toEqual(["update 2", "update 2"]);
    const body = gh.comments[1]!.body;
    expect(body.startsWith(pulumiComment("prod"))).toBe(true);
    expect(body).toContain("<!-- portage:guard:start -->\n:white_check_mark: nothing lost\n<!-- portage:guard:end -->");
    expect(body).not.toContain("database-postgres");
    expect(gh.comments[0]!.body).toBe(pulumiComment("dev"));
  });

  it("writes the comment in pulumi/actions' shape when the preview failed before commenting", async () => {
    const gh = fakeGitHub([{ id: 3, body: pulumiComment("prod"), user: { login: "someone" } }]);
    await upsertSection(gh.api, {
      pr: 7,
      project: "portage",
      stack: "prod",
      name: "guard",
      section: "no JSON",
      runUrl: "https://github.com/o/r/actions/runs/2",
    });
    expect(gh.calls).toEqual(["create #7"]); // a person's comment that looks alike is left alone
    const created = gh.comments[1]!.body;
    expect(isStackComment(created, "prod")).toBe(true);
    expect(created).toContain("<summary>Pulumi report</summary>"); // so pulumi/actions edits it next time
    expect(created).toContain("The preview did not finish: see [the job log](https://github.com/o/r/actions/runs/2).");
  });

  it("keeps a section's place when the rest of the body changes", () => {
    const once = withSection("head\nbody", "guard", "one");
    expect(withSection(once, "guard", "two")).toBe("head\nbody\n\n<!-- portage:guard:start -->\ntwo\n<!-- portage:guard:end -->\n");
  });
});

describe("a fork's comment", () => {
  const base = {
    headOwner: "contributor",
    headBranch: "bump-nodes",
    headSha: "abc123",
    project: "portage",
    stack: "dev",
    runUrl: "https://github.com/o/r/actions/runs/3",
    conclusion: "success",
  };

  it("says there is no cloud preview, and shows the offline plan's diff against the base branch", () => {
    const body = forkComment({
      ...base,
      plan: { diff: "--- base/dev\n+++ pull-request/dev\n-  nodesPerRegion: 1\n+  nodesPerRegion: 2\n" },
    });
    expect(isStackComment(body, "dev")).toBe(true);
    expect(body).toContain(
      ":lock: This pull request comes from a fork, so its checks run without cloud credentials or secrets: there is no `pulumi preview` of `dev`.",
    );
    expect(body).toContain("```diff\n--- base/dev\n+++ pull-request/dev\n-  nodesPerRegion: 1\n+  nodesPerRegion: 2\n```");
    expect(body).toContain(":white_check_mark: passed");
  });

  it("cannot break out of the code block, and stays under GitHub's size limit", () => {
    const body = forkComment({
      ...base,
      conclusion: "failure",
      plan: { plan: "```\n@everyone [x](javascript:alert(1))\n" + "x".repeat(100_000) },
    });
    expect(body.match(/```/g)).toHaveLength(2);
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain(":x: failure");
  });

  it("is posted on the pull request whose head commit ran, found from the run's event", async () => {
    const gh = fakeGitHub(
      [],
      [
        { number: 12, head: { sha: "old" } },
        { number: 13, head: { sha: "abc123" } },
      ],
    );
    expect(await postForkComment(gh.api, { ...base, plan: { diff: "" } })).toBe(13);
    expect(gh.calls).toEqual(["create #13"]);
    expect(gh.comments[0]!.body).toContain("The offline plan is the same as on the base branch.");
    expect(await postForkComment(gh.api, { ...base, headSha: "other" })).toBeUndefined();
  });
});

describe("GitHub REST calls", () => {
  it("pages through comments and sends the token as a bearer header", async () => {
    const seen: string[] = [];
    const page = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i, body: "" }));
    const api = gitHub({
      token: "t0ken",
      repository: "o/r",
      fetch: async (url, init) => {
        seen.push(`${init?.method} ${url} ${init?.headers?.authorization}`);
        return { ok: true, status: 200, json: async () => (url.endsWith("&page=1") ? page(100) : page(3)), text: async () => "" };
      },
    });
    expect(await api.listComments(5)).toHaveLength(103);
    expect(seen).toEqual([
      "GET https://api.github.com/repos/o/r/issues/5/comments?per_page=100&page=1 Bearer t0ken",
      "GET https://api.github.com/repos/o/r/issues/5/comments?per_page=100&page=2 Bearer t0ken",
    ]);
  });
});
