import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { writeFile, type Host } from "./host";

const shimSources = ["unit-file", "units", "service", "jobs", "systemctl"];
const shimDir = join(__dirname, "..", "shim");
/** Where a host gets the shim: /usr/local/sbin comes first on systemd's and sudo's PATH. */
export const shimCommand = "/usr/local/sbin/systemctl";
const shimLib = "/usr/local/lib/portage-shim";

/** The shim as JavaScript (TypeScript's own transpiler: no build step, no bundler). */
function compiled(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of shimSources) {
    const source = readFileSync(join(shimDir, `${name}.ts`), "utf8");
    out[name] = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
  }
  return out;
}

/** Installs the systemctl shim on a host, first on PATH. */
export async function installShim(host: Host): Promise<void> {
  for (const [name, js] of Object.entries(compiled())) await writeFile(host, `${shimLib}/${name}.js`, js);
  await writeFile(
    host,
    shimCommand,
    `#!/bin/sh\n# The local fleet's systemctl shim (lab/shim).\nexec ${process.execPath} ${shimLib}/systemctl.js "$@"\n`,
    0o755,
  );
}
