import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { isMap, parseDocument } from "yaml";
import { parseCommandLine, runMain, UserError } from "../cli";

/**
 * Sets values in a stack file the way `pulumi config set --path` does (`portage:access.sshPublicKey`
 * sets `sshPublicKey` inside `portage:access`), keeping its comments and everything else, and replaces
 * the file in one rename: a failure leaves the old file whole, never a half-edited one.
 */
export function setStackSettings(path: string, settings: Record<string, unknown>): void {
  const text = readFileSync(path, "utf8");
  const doc = parseDocument(text);
  if (doc.errors[0]) throw new UserError(`${basename(path)}: ${doc.errors[0].message}`);
  if (!isMap(doc.get("config"))) doc.set("config", doc.createNode({}));
  for (const [key, value] of Object.entries(settings)) {
    const at = key.indexOf(".", key.indexOf(":"));
    const keyPath = at < 0 ? ["config", key] : ["config", key.slice(0, at), ...key.slice(at + 1).split(".")];
    doc.setIn(keyPath, doc.createNode(value, { flow: Array.isArray(value) }));
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
  renameSync(tmp, path);
}

// `npx tsx tools/up/stack-file.ts <file> '<settings as JSON>'`: what bin/up runs once the stack exists.
if (require.main === module) {
  runMain("bin/up", async () => {
    const { positionals } = parseCommandLine(process.argv.slice(2), {}, "usage: stack-file <Pulumi.<stack>.yaml> '<json>'");
    const [file, json] = positionals;
    if (!file || !json) throw new UserError("usage: stack-file <Pulumi.<stack>.yaml> '<json>'", 2);
    setStackSettings(file, JSON.parse(json) as Record<string, unknown>);
    return 0;
  });
}
