import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildRelease } from "../../lab/fleet/release";

/**
 * Builds the example app (examples/hello, a small Elixir release with no dependencies) into the
 * tarball a stack ships, for `bin/up` on a fresh checkout. A release carries its Erlang runtime, so it
 * must be built on the OS and architecture of the VMs: Linux x86_64 with glibc (the VMs run Ubuntu
 * 24.04; a build on Debian 12 or Ubuntu 22.04+ works).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { version: { type: "string" }, out: { type: "string" } } });
  if (!values.version || !values.out) throw new Error("usage: example-release --version <v> --out <tarball>");
  const built = await buildRelease({ version: values.version });
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(built.tarball, out);
  process.stdout.write(`built the example release ${values.version}: ${out} (sha256 ${built.sha256})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
