import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configKeys } from "../../components/config/schema";
import { renderProjectFile, renderReadme } from "../../tools/config-docs";

const root = join(__dirname, "..", "..");
const read = (file: string) => readFileSync(join(root, file), "utf8");

describe("the docs stay true to the code", () => {
  it("Pulumi.yaml declares the config the schema defines (regenerate with npm run docs)", () => {
    expect(read("Pulumi.yaml")).toBe(renderProjectFile(read("Pulumi.yaml")));
  });

  it("Pulumi.yaml gives every portage key a description, and a default unless it is a secret or off when unset", () => {
    const project = parse(read("Pulumi.yaml")) as {
      config: Record<string, { description?: string; default?: unknown; secret?: boolean; type?: string }>;
    };
    expect(Object.keys(project.config).sort()).toEqual(configKeys.map((k) => `portage:${k}`).sort());
    for (const [key, decl] of Object.entries(project.config)) {
      expect(decl.description, key).toMatch(/\w{3,}/);
      // portage:migration: its fields are required, and leaving it unset is what "no migration" means.
      if (decl.secret || key === "portage:migration") expect(decl.default, key).toBeUndefined();
      else expect(decl.default, key).toBeDefined();
      // Pulumi's project schema knows no object type: object keys must carry none.
      if (decl.type !== undefined) expect(["string", "integer", "boolean", "array"]).toContain(decl.type);
    }
  });

  it("the README's config reference and cost table are current (regenerate with npm run docs)", () => {
    const readme = read("README.md");
    expect(renderReadme(readme)).toBe(readme);
  });

  it("the quick start is two commands, and CI runs the README's test command and only that", () => {
    const quickStart = read("README.md").split("## Quick start")[1]?.split("\n## ")[0] ?? "";
    const commands = quickStart
      .split("\n")
      .filter((l) => /^ {4}bin\//.test(l))
      .map((l) => l.trim().split(/\s+#/)[0]?.trim());
    expect(commands).toEqual(["bin/up dev", "bin/test"]);
    expect(read(".ci/run")).toMatch(/\nexec bin\/test\n?$/);
  });

  it("every file the README links to exists", () => {
    const links = [...read("README.md").matchAll(/\]\(((?:docs|stacks|components|tools|bench|policy)\/[^)#]+)/g)].map((m) => m[1] ?? "");
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(existsSync(join(root, link)), link).toBe(true);
  });
});
