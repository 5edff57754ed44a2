import { parseArgs } from "node:util";
import { readStackFile, projectRoot } from "../offline/stack";
import { objectKeys, scalarKeys } from "../../components/config/schema";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

/**
 * What `bin/up` needs to know about a stack before it runs `pulumi up`: the effective provider, the
 * release, and whether the stack still carries the documentation examples (example SSH key, TEST-NET
 * admin range, placeholder GCP project) that must be replaced by the user's own.
 */
const examples = {
  sshPublicKey: "you@example.com",
  adminCidr: /^(192\.0\.2|198\.51\.100|203\.0\.113)\./,
  gcpProject: "my-gcp-project",
};

function main(): void {
  const { positionals } = parseArgs({ allowPositionals: true });
  const stack = positionals[0] ?? "dev";
  const file = existsSync(resolve(projectRoot, `Pulumi.${stack}.yaml`)) ? readStackFile(stack) : {};
  const obj = (key: keyof typeof objectKeys) => objectKeys[key].parse(file[`portage:${key}`] ?? {}) as Record<string, unknown>;
  const app = obj("app") as { name: string; release: string; version: string };
  const access = obj("access") as { adminCidrs: string[]; sshPublicKey: string };
  const provider = scalarKeys.provider.parse(file["portage:provider"] ?? undefined);
  const gcpProject = typeof file["gcp:project"] === "string" ? file["gcp:project"] : "";
  const info = {
    stack,
    stackFile: existsSync(resolve(projectRoot, `Pulumi.${stack}.yaml`)),
    provider,
    app,
    releaseExists: existsSync(resolve(projectRoot, app.release)),
    exampleKey: access.sshPublicKey === "" || access.sshPublicKey.includes(examples.sshPublicKey),
    exampleAdminCidrs: access.adminCidrs.length === 0 || access.adminCidrs.every((c) => examples.adminCidr.test(c)),
    gcpProjectMissing: provider === "gcp" && (gcpProject === "" || gcpProject === examples.gcpProject),
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

main();
