import { parseYamlFile } from "../tools/cli";
for (const t of ["config:\n  portage:fleet:\n    regions: [virginia\n  x: 1\n", "config:\n  a: b: c\n", "config:\n\tportage:x: 1\n", "config:\n  a: 1\n  a: 2\n", "config: [\n", "config:\n  k: \"unterminated\n"]) {
  try { parseYamlFile("/x/Pulumi.dev.yaml", t); console.log("OK?", t); } catch (e) { console.log((e as Error).message); }
}
