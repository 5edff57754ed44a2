import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { VmFile } from "./types";

/** The real script files under components/node/files/, read at render time (shellcheck-clean bash). */
export const scriptDir = join(__dirname, "files");

/** Where each script goes on a VM. Libraries are sourced, not run. */
export const scriptPaths = {
  "lib.sh": "/usr/local/lib/portage/lib.sh",
  "portage-fetch": "/usr/local/bin/portage-fetch",
  "portage-boot": "/usr/local/bin/portage-boot",
  "portage-deploy": "/usr/local/bin/portage-deploy",
  "portage-agent": "/usr/local/bin/portage-agent",
  "portage-bucket": "/usr/local/bin/portage-bucket",
  "portage-edge-boot": "/usr/local/bin/portage-edge-boot",
  "portage-edge-apply": "/usr/local/bin/portage-edge-apply",
  "portage-edge-status": "/usr/local/bin/portage-edge-status",
  "portage-edge-acme": "/usr/local/bin/portage-edge-acme",
  "portage-migrate": "/usr/local/bin/portage-migrate",
} as const;

export type ScriptName = keyof typeof scriptPaths;

export function script(name: ScriptName): VmFile {
  return {
    path: scriptPaths[name],
    content: forVm(readFileSync(join(scriptDir, name), "utf8")),
    mode: name.endsWith(".sh") ? "0644" : "0755",
  };
}

/**
 * The copy a VM gets: the shebang, the code and its shellcheck directives; comments and blank lines
 * stay in the repository (where the script is read), so that a node's user-data, with its agent,
 * fits AWS's 16 KB for every accepted config (test/unit/user-data-bound.test.ts).
 */
export function forVm(source: string): string {
  return source
    .split("\n")
    .filter((line, i) => {
      if (i === 0) return true;
      // shellcheck directives stay: the VM copy is checked too.
      const comment = /^\s*#/.test(line) && !/^\s*# shellcheck /.test(line);
      return !comment && line.trim() !== "";
    })
    .join("\n");
}
