import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratchDir } from "../../lab/scratch/scratch";

/** The lines of one section of an HAProxy config (`backend app`, `frontend admin`, ...), without indentation. */
export function section(config: string, header: string): string[] {
  const lines = config.split("\n");
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`no section "${header}"`);
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith(" ")) break;
    out.push(line.trim());
  }
  return out;
}

/** What the configs read from HAProxy's environment, for a check. */
export const checkEnv = { EDGE_ADMIN_PASSWORD: "check-only", EDGE_PRIVATE_ADDRESS: "10.100.0.10" };

/** `haproxy -c` on a config, in a scratch directory (the caller removes those with removeScratchDirs). */
export function haproxyCheck(config: string): { ok: boolean; output: string } {
  const file = join(scratchDir("haproxy-check"), "haproxy.cfg");
  writeFileSync(file, config);
  const r = spawnSync("haproxy", ["-c", "-f", file], { env: { ...process.env, ...checkEnv }, encoding: "utf8" });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** A throwaway certificate for the TLS variants (HAProxy loads it during the check). */
export function throwawayCert(): string {
  const dir = scratchDir("cert");
  const subject = ["-subj", "/CN=app.example.com", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")];
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", ...subject], { stdio: "ignore" });
  const pem = join(dir, "site.pem");
  writeFileSync(pem, readFileSync(join(dir, "cert.pem"), "utf8") + readFileSync(join(dir, "key.pem"), "utf8"));
  return pem;
}
