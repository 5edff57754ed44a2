import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseYamlFile, runMain } from "../cli";

export interface Release {
  name: string;
  version: string;
  /** portage:app.release as the stack sets it, relative to the project. */
  path: string;
}

type App = Partial<Record<"name" | "version" | "release", unknown>>;

/** The release a stack ships: its Pulumi.<stack>.yaml app settings over Pulumi.yaml's defaults. */
export function releaseOf(stackFile: string, projectFile: string, names = { stack: "the stack file", project: "Pulumi.yaml" }): Release {
  const stack = ((parseYamlFile(names.stack, stackFile) as { config?: Record<string, unknown> } | null)?.config?.["portage:app"] ??
    {}) as App;
  const project =
    (parseYamlFile(names.project, projectFile) as { config?: Record<string, { default?: App }> }).config?.["portage:app"]?.default ?? {};
  const pick = (key: keyof App) => String(stack[key] ?? project[key] ?? "");
  return { name: pick("name"), version: pick("version"), path: pick("release") };
}

// `npx tsx tools/ci/release.ts <stack>` prints "<path> <version>" for tools/ci/fetch-release.sh.
if (require.main === module) {
  runMain("release", async () => {
    const root = join(__dirname, "..", "..");
    const stack = process.argv[2] ?? "";
    const files = { stack: join(root, `Pulumi.${stack}.yaml`), project: join(root, "Pulumi.yaml") };
    const release = releaseOf(readFileSync(files.stack, "utf8"), readFileSync(files.project, "utf8"), files);
    process.stdout.write(`${release.path} ${release.version}\n`);
    return 0;
  });
}
