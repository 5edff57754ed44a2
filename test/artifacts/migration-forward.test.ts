import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { haproxyForwardConfig } from "../../components/migration";
import { removeScratchDirs, scratchDir } from "../../lab/scratch/scratch";
import { routes } from "./support/variants";

/** The forwarding edge's config, checked by HAProxy itself (the e2e rehearsal runs it under load). */
function haproxyCheck(config: string): { ok: boolean; output: string } {
  const file = join(scratchDir("haproxy-forward"), "haproxy.cfg");
  writeFileSync(file, config);
  const r = spawnSync("haproxy", ["-c", "-f", file], { env: { ...process.env, EDGE_ADMIN_PASSWORD: "check-only" }, encoding: "utf8" });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

describe("haproxy -c accepts the source edge's forwarding config", () => {
  const dir = scratchDir("cert");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=app.example.com"].concat([
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ]),
    { stdio: "ignore" },
  );
  const cert = join(dir, "site.pem");
  writeFileSync(cert, readFileSync(join(dir, "cert.pem"), "utf8") + readFileSync(join(dir, "key.pem"), "utf8"));
  afterAll(() => removeScratchDirs());

  it.each([
    { name: "no domain, three nodes", domain: false },
    { name: "with a domain (TLS to the target edge)", domain: true },
  ])("$name", ({ domain }) => {
    const check = haproxyCheck(haproxyForwardConfig(routes("haproxy", domain, 3), { address: "10.200.0.5" }, { certFile: cert }));
    expect(check.output).not.toMatch(/ALERT/);
    expect(check.ok, check.output).toBe(true);
  });
});
