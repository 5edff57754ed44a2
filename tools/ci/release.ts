import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export interface Release {
  name: string;
  version: string;
  /** portage:app.release as the stack sets it, relative to the project. */
  path: string;
}

type App = Partial<Record<"name" | "version" | "release", unknown>>;

/** The release a stack ships: its Pulumi.<stack>.yaml app settings over Pulumi.yaml's defaults. */
export function releaseOf(stackFile: string, projectFile: string): Release {
  const stack = ((parse(stackFile) as { config?: Record<string, unknown> } | null)?.config?.["portage:app"] ?? {}) as App;
  const project = (parse(projectFile) as { config?: Record<string, { default?: App }> }).config?.["portage:app"]?.default ?? {};
  const pick = (key: keyof App) => String(stack[key] ?? project[key] ?? "");
  return { name: pick("name"), version: pick("version"), path: pick("release") };
}

// `npx tsx tools/ci/release.ts <stack>` prints "<path> <version>" for tools/ci/fetch-release.sh.
if (require.main === module) {
  const root = join(__dirname, "..", "..");
  const stack = process.argv[2] ?? "";
  const release = releaseOf(readFileSync(join(root, `Pulumi.${stack}.yaml`), "utf8"), readFileSync(join(root, "Pulumi.yaml"), "utf8"));
  process.stdout.write(`${release.path} ${release.version}\n`);
}
