/**
 * portage-boot on a new node whose way to the bucket is not there yet: IAM grants take seconds to
 * minutes to reach a new VM, so its first reads can fail. The real script runs in a scratch directory
 * (the bucket a directory), with the pointer made unreadable for a while: it retries within a bound,
 * deploys once it can read, and fails for systemd to start it again when the bound runs out. A
 * bucket without a pointer (no rollout yet) is no error: nothing to deploy.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  freePorts,
  publishRelease,
  removeScratchDirs,
  runScript,
  scratchNode,
  scratchSecrets,
  setPointer,
  shim,
  type ScratchNode,
} from "../../lab/scratch/scratch";

const pointerPath = (node: ScratchNode) => join(node.store, node.rt.releases.bucket, "releases", "current");

/** A pointer that exists but cannot be read (what a 403 is to portage-fetch): a directory in its place. */
function unreadablePointer(node: ScratchNode): void {
  mkdirSync(pointerPath(node), { recursive: true });
}

describe("portage-boot when the bucket is not readable yet", () => {
  const started: [ScratchNode, number][] = [];
  afterAll(() => {
    for (const [node, port] of started) shim(node.root, "stop", `hello@${port}.service`);
    removeScratchDirs();
  });

  it("without a release pointer (no rollout yet), writes the env files and exits 0 within seconds: nothing to deploy", async () => {
    const [a = 0, b = 0, dead = 0] = await freePorts(3);
    const node = scratchNode([a, b], `http://127.0.0.1:${dead}`, scratchSecrets);
    const begun = Date.now();
    const boot = await runScript(node.root, "portage-boot", []);
    expect(boot.code, boot.stderr).toBe(0);
    expect(boot.stdout).toContain("no release pointer releases/current yet: nothing to deploy");
    expect(Date.now() - begun).toBeLessThan(20_000);
  });

  it("retries a pointer it cannot read yet, and serves its release once the read succeeds", async () => {
    const [a = 0, b = 0, dead = 0] = await freePorts(3);
    const node = scratchNode([a, b], `http://127.0.0.1:${dead}`, scratchSecrets);
    const sha = publishRelease(node.store, "1.0.0", { healthy: true });
    unreadablePointer(node);
    started.push([node, a]);
    const boot = runScript(node.root, "portage-boot", []);
    await new Promise((r) => setTimeout(r, 4_000));
    rmSync(pointerPath(node), { recursive: true });
    setPointer(node.store, "1.0.0", sha);
    const done = await boot;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain("waiting for the release pointer releases/current");
    expect(await (await fetch(`http://127.0.0.1:${a}/`)).text()).toBe(`1.0.0 hello-${a}@127.0.0.1`);
  }, 60_000);

  it("fails with the reason once BOOT_FETCH_TIMEOUT_SECONDS runs out, so that systemd starts it again later", async () => {
    const [a = 0, b = 0, dead = 0] = await freePorts(3);
    const node = scratchNode([a, b], `http://127.0.0.1:${dead}`, scratchSecrets);
    unreadablePointer(node);
    const boot = await runScript(node.root, "portage-boot", [], { BOOT_FETCH_TIMEOUT_SECONDS: "3" });
    expect(boot.code).not.toBe(0);
    expect(boot.stderr).toContain("the release pointer releases/current is still unreadable");
  }, 30_000);

  it("writes the database server's CA from the bucket where the app's DATABASE_CA_FILE points, waiting until the stack has put it there", async () => {
    const [a = 0, b = 0, dead = 0] = await freePorts(3);
    const node = scratchNode([a, b], `http://127.0.0.1:${dead}`, scratchSecrets);
    appendFileSync(join(node.root, "etc/portage/node.env"), 'DATABASE_CA="database/server-ca.pem"\n');
    const pem = "-----BEGIN CERTIFICATE-----\nMIIBstandin\n-----END CERTIFICATE-----\n";
    const object = join(node.store, node.rt.releases.bucket, "database/server-ca.pem");
    const boot = runScript(node.root, "portage-boot", []);
    await new Promise((r) => setTimeout(r, 3_000));
    mkdirSync(dirname(object), { recursive: true });
    writeFileSync(object, pem);
    const done = await boot;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain("waiting for the database CA database/server-ca.pem");
    expect(readFileSync(join(node.root, "etc/portage/database-ca.pem"), "utf8")).toBe(pem);
  }, 60_000);

  it("refuses a database CA that is no PEM certificate, with the reason, once the bound runs out", async () => {
    const [a = 0, b = 0, dead = 0] = await freePorts(3);
    const node = scratchNode([a, b], `http://127.0.0.1:${dead}`, scratchSecrets);
    appendFileSync(join(node.root, "etc/portage/node.env"), 'DATABASE_CA="database/server-ca.pem"\n');
    const object = join(node.store, node.rt.releases.bucket, "database/server-ca.pem");
    mkdirSync(dirname(object), { recursive: true });
    writeFileSync(object, "<html>not a certificate</html>\n");
    const boot = await runScript(node.root, "portage-boot", [], { BOOT_FETCH_TIMEOUT_SECONDS: "3" });
    expect(boot.code).not.toBe(0);
    expect(boot.stderr).toContain(
      "the database CA database/server-ca.pem is still unreadable: database/server-ca.pem holds no PEM certificate",
    );
  }, 30_000);
});
