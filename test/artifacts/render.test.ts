import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { edgeRoutesFiles } from "../../components/node/edge";
import { fakeSecret } from "../../tools/offline/mocks";
import { placeholderRelease, projectRoot, runStack } from "../../tools/offline/stack";
import { render } from "../../tools/render";
import { scratchDir, removeScratchDirs } from "../../lab/scratch/scratch";

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

describe("npm run render", () => {
  it.each(["aws", "gcp"] as const)("writes every file each VM of the prod stack gets (%s), secrets as placeholders", async (provider) => {
    const out = scratchDir("render");
    const vms = await render({ stack: "prod", provider, out });
    // prod: two regions, an edge pair in each (the primary region's first edge keeps the name `edge`).
    const names = ["edge", "edge-london-1", "edge-london-2", "edge-virginia-2", "london-1", "london-2", "virginia-1", "virginia-2"];
    expect(vms.map((v) => v.name).sort()).toEqual(names);
    expect(readdirSync(out).sort()).toEqual(names);

    const node = join(out, "virginia-1");
    for (const path of [
      "user-data.yaml",
      "etc/portage/node.env",
      "usr/local/bin/portage-deploy",
      "etc/systemd/system/hello@.service",
      "etc/hello/env",
      "etc/hello/4000.env",
    ]) {
      expect(statSync(join(node, path)).isFile(), path).toBe(true);
    }
    expect((statSync(join(node, "usr/local/bin/portage-deploy")).mode & 0o777).toString(8)).toBe("755");
    expect((statSync(join(node, "etc/hello/env")).mode & 0o777).toString(8)).toBe("600");
    const ref = provider === "aws" ? "/portage/hello-prod/DATABASE_URL" : "hello-prod-database-url";
    expect(readFileSync(join(node, "etc/hello/env"), "utf8")).toContain(`DATABASE_URL="<DATABASE_URL: fetched at boot from ${ref}>"`);
    expect(readFileSync(join(node, "etc/hello/4000.env"), "utf8")).toMatch(/^RELEASE_NODE="hello-4000@10\.\d+\.\d+\.\d+"$/m);

    // The edge's routes are the file the rollout pushes: every node on both ports.
    const routes = readFileSync(join(out, "edge/etc/haproxy/haproxy.cfg"), "utf8");
    expect(routes.match(/^ {4}server /gm)).toHaveLength(8 + 1);
    // Every edge of every region gets its own routes push.
    for (const edge of names.filter((n) => n.startsWith("edge"))) {
      expect(statSync(join(out, edge, "etc/haproxy/haproxy.cfg")).isFile(), edge).toBe(true);
    }

    // No generated secret in any rendered file.
    const run = await runStack({ stack: "prod", provider, overrides: { "portage:app": { release: placeholderRelease } } });
    const secrets = run.resources
      .filter((r) => r.type === "random:index/randomPassword:RandomPassword")
      .map((r) => fakeSecret(r.name, Number((r.inputs as { length?: number }).length)));
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const file of walk(out)) {
      const text = readFileSync(file, "utf8");
      for (const s of secrets) expect(text, file).not.toContain(s);
    }
  });

  it("the routes rendered for the edge are what edgeRoutesFiles gives for the stack's nodes", async () => {
    const out = scratchDir("render");
    const vms = await render({ stack: "dev", provider: "aws", out });
    const edge = vms.find((v) => v.name === "edge")!;
    const pushed = edge.files.find((f) => f.path === "/etc/haproxy/haproxy.cfg")!.content;
    const admin = /^\s*bind "([\d.]+):8404"$/m.exec(pushed)?.[1];
    const node = /^\s*server virginia-1-4000 ([\d.]+):4000$/m.exec(pushed)?.[1];
    expect(admin).toBeDefined();
    expect(node).toBeDefined();
    const [expected] = edgeRoutesFiles({
      kind: "haproxy",
      app: { name: "hello", ports: [4000, 4001], healthPath: "/ping" },
      domain: "",
      acmeEmail: "",
      privateAddress: admin!,
      adminPort: 8404,
      nodes: [{ name: "virginia-1", address: node! }],
    });
    expect(pushed).toBe(expected!.content);
  });

  it("runs from the command line", async () => {
    const out = scratchDir("render");
    const { stdout } = await promisify(execFile)("npx", ["tsx", "tools/render.ts", "--stack", "dev", "--provider", "gcp", "--out", out], {
      cwd: projectRoot,
    });
    expect(stdout).toMatch(/^virginia-1 \(node\): \d+ files, user-data \d+ bytes/m);
    expect(stdout).toMatch(/^edge \(edge\): \d+ files/m);
    expect(readdirSync(out).sort()).toEqual(["edge", "virginia-1"]);
  });
});

afterAll(removeScratchDirs);
