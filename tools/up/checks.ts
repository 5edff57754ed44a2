import { isAbsolute, join, resolve } from "node:path";
import { checkRelease, inspectRelease } from "../../components/config/release-tarball";
import { parseYamlFile, UserError } from "../cli";
import { readStackFile, type StackConfig } from "../offline/stack";
import { stackFacts, type StackFacts } from "../stack-facts";
import { gcpApis, gcpEnableCommand } from "./prerequisites";

/** What bin/up's checks may look at on the operator's machine (tests give a fake one). */
export interface Machine {
  env: Record<string, string | undefined>;
  home: string;
  /** `uname -sm`: "Linux x86_64", "Darwin arm64". */
  platform: string;
  /** A person can answer Pulumi's questions (the passphrase). */
  interactive: boolean;
  has(command: string): boolean;
  run(argv: readonly string[]): { code: number; stdout: string; stderr: string };
  exists(path: string): boolean;
  readFile(path: string): string;
}

/** Everything bin/up will do, decided before it does any of it. */
export interface UpPlan {
  /** Each missing thing with how to get it; any problem stops bin/up before it creates or edits anything. */
  problems: string[];
  notes: string[];
  /** Settings for the stack file, by `pulumi config set --path` key: the user's own in place of the examples. */
  settings: Record<string, unknown>;
  /** The Pulumi CLI is missing and will be installed into ~/.pulumi/bin. */
  installPulumi: boolean;
  /** The project's local state directory to create (Pulumi.yaml's file:// backend). */
  stateDir?: string;
  /** The example app's release to build. */
  buildExample?: { version: string; out: string };
}

/** The documentation examples the shipped stack files carry, which bin/up replaces by the user's own. */
const examples = {
  sshPublicKey: "you@example.com",
  adminCidr: /^(192\.0\.2|198\.51\.100|203\.0\.113)\./,
  gcpProject: "my-gcp-project",
};

export function planUp(stack: string, root: string, m: Machine): UpPlan {
  const plan: UpPlan = { problems: [], notes: [], settings: {}, installPulumi: false };
  let config: StackConfig;
  try {
    config = readStackFile(stack, root);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    plan.problems.push(
      error.message.startsWith("no Pulumi.")
        ? `no Pulumi.${stack}.yaml: copy Pulumi.dev.yaml to Pulumi.${stack}.yaml and edit it (README: Environments)`
        : error.message,
    );
    return plan;
  }
  const facts = stackFacts(config);
  checkPulumi(plan, m);
  checkBackend(plan, root, m);
  if (facts.provider === "aws") checkAws(plan, config, m);
  else checkGcp(plan, facts, m);
  checkSshKey(plan, facts, m);
  checkAddress(plan, facts, m);
  checkReleaseFile(plan, facts, root, m);
  return plan;
}

function checkPulumi(plan: UpPlan, m: Machine): void {
  if (m.has("pulumi") || m.exists(join(m.home, ".pulumi", "bin", "pulumi"))) return;
  if (m.has("curl")) {
    plan.installPulumi = true;
    plan.notes.push("the Pulumi CLI is not installed: bin/up installs it into ~/.pulumi/bin (https://get.pulumi.com)");
  } else {
    plan.problems.push("no Pulumi CLI, and no curl to install it: install it (https://www.pulumi.com/docs/install/) or curl");
  }
}

/** The state backend: PULUMI_BACKEND_URL, else Pulumi.yaml's backend.url (the project's ./.pulumi-state). */
function checkBackend(plan: UpPlan, root: string, m: Machine): void {
  const project = parseYamlFile(join(root, "Pulumi.yaml")) as { backend?: { url?: string } } | null;
  const url = m.env.PULUMI_BACKEND_URL || project?.backend?.url;
  if (!url) return;
  const local = url.startsWith("file://");
  if (local && !m.env.PULUMI_BACKEND_URL) {
    const path = url.slice("file://".length);
    plan.stateDir = isAbsolute(path) ? path : resolve(root, path);
  }
  plan.notes.push(`state: ${url}${m.env.PULUMI_BACKEND_URL ? " (PULUMI_BACKEND_URL)" : " (Pulumi.yaml's backend.url)"}`);
  if (!local || m.env.PULUMI_CONFIG_PASSPHRASE !== undefined || m.env.PULUMI_CONFIG_PASSPHRASE_FILE) return;
  if (m.interactive) {
    plan.notes.push(
      "a local backend encrypts the stack's secrets with a passphrase: Pulumi asks for it (export PULUMI_CONFIG_PASSPHRASE to skip the question)",
    );
  } else {
    plan.problems.push(
      "a local backend encrypts the stack's secrets with a passphrase, and nobody is at a terminal to type it: export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE)",
    );
  }
}

function checkAws(plan: UpPlan, config: StackConfig, m: Machine): void {
  const profile = typeof config["aws:profile"] === "string" ? config["aws:profile"] : m.env.AWS_PROFILE;
  const withProfile = profile ? ["--profile", profile] : [];
  if (m.has("aws")) {
    const who = m.run(["aws", "sts", "get-caller-identity", "--query", "Account", "--output", "text", ...withProfile]);
    if (who.code === 0) plan.notes.push(`AWS account ${who.stdout.trim()}${profile ? ` (profile ${profile})` : ""}`);
    else
      plan.problems.push(
        `AWS credentials do not work (aws sts get-caller-identity: ${firstLine(who.stderr)}): run aws configure${profile ? ` --profile ${profile}` : ""} (or aws sso login)`,
      );
    return;
  }
  const env = m.env;
  const files = [
    env.AWS_SHARED_CREDENTIALS_FILE ?? join(m.home, ".aws", "credentials"),
    env.AWS_CONFIG_FILE ?? join(m.home, ".aws", "config"),
  ];
  const found = (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) || env.AWS_WEB_IDENTITY_TOKEN_FILE || files.some((f) => m.exists(f));
  if (!found)
    plan.problems.push(
      "no AWS credentials: install the AWS CLI and run aws configure (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-quickstart.html), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    );
}

function checkGcp(plan: UpPlan, facts: StackFacts, m: Machine): void {
  const env = m.env;
  const adc = join(m.home, ".config", "gcloud", "application_default_credentials.json");
  const gcloud = m.has("gcloud");
  const login = "gcloud auth application-default login";
  if (env.GOOGLE_CREDENTIALS || (env.GOOGLE_APPLICATION_CREDENTIALS && m.exists(env.GOOGLE_APPLICATION_CREDENTIALS))) {
    // A service account key or credentials Pulumi's provider reads directly.
  } else if (gcloud) {
    const token = m.run(["gcloud", "auth", "application-default", "print-access-token"]);
    if (token.code !== 0) plan.problems.push(`no Google Cloud credentials for Pulumi (${firstLine(token.stderr)}): run ${login}`);
  } else if (!m.exists(adc)) {
    plan.problems.push(`no Google Cloud credentials: install the gcloud CLI (https://cloud.google.com/sdk/docs/install) and run ${login}`);
  }

  let project = facts.gcpProject === examples.gcpProject ? "" : facts.gcpProject;
  if (!project && gcloud) {
    project = m.run(["gcloud", "config", "get-value", "project"]).stdout.trim();
    if (project) {
      plan.settings["gcp:project"] = project;
      plan.notes.push(`gcp:project: ${project} (from gcloud)`);
    }
  }
  if (!project) {
    plan.problems.push(
      "portage:provider is gcp but no project is set: pulumi config set gcp:project <project-id> (or gcloud config set project <id>)",
    );
    return;
  }
  if (!gcloud) {
    plan.notes.push(`could not check which APIs are enabled (no gcloud); the stack needs: ${gcpEnableCommand(project)}`);
    return;
  }
  const enabled = m.run(["gcloud", "services", "list", "--enabled", "--project", project, "--format=value(config.name)"]);
  if (enabled.code !== 0) {
    plan.notes.push(
      `could not list the enabled APIs of ${project} (${firstLine(enabled.stderr)}); the stack needs: ${gcpEnableCommand(project)}`,
    );
    return;
  }
  const on = new Set(enabled.stdout.split("\n").map((l) => l.trim()));
  const missing = gcpApis.filter((api) => !on.has(api));
  if (missing.length > 0)
    plan.problems.push(`project ${project} lacks APIs the stack uses (${missing.join(", ")}): ${gcpEnableCommand(project, missing)}`);
}

function checkSshKey(plan: UpPlan, facts: StackFacts, m: Machine): void {
  const key = facts.access.sshPublicKey;
  if (key !== "" && !key.includes(examples.sshPublicKey)) return;
  let mine = m.has("ssh-add") ? (m.run(["ssh-add", "-L"]).stdout.split("\n")[0]?.trim() ?? "") : "";
  if (!/^(ssh|ecdsa|sk-)/.test(mine)) mine = "";
  for (const name of ["id_ed25519.pub", "id_ecdsa.pub", "id_rsa.pub"]) {
    const file = join(m.home, ".ssh", name);
    if (!mine && m.exists(file)) mine = m.readFile(file).trim();
  }
  if (!mine) {
    plan.problems.push("no SSH key: create one (ssh-keygen -t ed25519) or load yours (ssh-add); you log in to the servers with it");
    return;
  }
  plan.settings["portage:access.sshPublicKey"] = mine;
  plan.notes.push(`portage:access.sshPublicKey: your key (${mine.slice(0, 30)}...)`);
}

/** Who may SSH to the edge: the user's public address. Not needed to deploy, so a failed lookup is a note. */
function checkAddress(plan: UpPlan, facts: StackFacts, m: Machine): void {
  const cidrs = facts.access.adminCidrs;
  if (cidrs.length > 0 && !cidrs.every((c) => examples.adminCidr.test(c))) return;
  const set = "pulumi config set --path 'portage:access.adminCidrs[0]' <your-ip>/32";
  const lookup = m.has("curl") ? m.run(["curl", "-fsS", "--max-time", "10", "https://checkip.amazonaws.com"]) : undefined;
  const ip = lookup?.code === 0 ? lookup.stdout.trim() : "";
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) {
    plan.notes.push(
      `could not find your public address (${lookup ? firstLine(lookup.stderr) || "no answer" : "no curl"}): SSH to the edge (npm run ops -- ssh) needs it; set it with ${set}`,
    );
    return;
  }
  plan.settings["portage:access.adminCidrs"] = [`${ip}/32`];
  plan.notes.push(`portage:access.adminCidrs: ["${ip}/32"] (your public address: only it may SSH to the edge)`);
}

const vmPlatform = { x86_64: "Linux x86_64", arm64: "Linux aarch64" };

/** The release: the configured tarball checked against the stack, or the example app built here. */
function checkReleaseFile(plan: UpPlan, facts: StackFacts, root: string, m: Machine): void {
  const { name, version, release } = facts.app;
  const path = isAbsolute(release) ? release : resolve(root, release);
  if (m.exists(path)) {
    plan.problems.push(...checkRelease(inspectRelease(path), { name, version, arch: facts.arch, archSource: facts.archSource }));
    return;
  }
  if (name !== "hello") {
    plan.problems.push(
      `portage:app.release ${release} does not exist: build your release (README: Shipping a release) or ship it with npm run deploy -- <tarball>`,
    );
    return;
  }
  const platform = vmPlatform[facts.arch];
  if (!m.has("mix") || !m.has("elixir")) {
    plan.problems.push(
      `${release} does not exist and Elixir is not installed to build the example app: install elixir (Debian/Ubuntu: apt install elixir erlang-nox) or point portage:app.release at your own tarball`,
    );
  } else if (m.platform !== platform) {
    plan.problems.push(
      `the example release must be built on ${platform} (the VMs' OS and CPU), this is ${m.platform}: on such a machine or container, run npx tsx tools/up/example-release.ts --version ${version} --out ${release}`,
    );
  } else {
    plan.buildExample = { version, out: path };
  }
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
