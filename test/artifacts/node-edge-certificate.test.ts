/**
 * One certificate for an edge pair: the renewer's certbot deploy hook installs it and puts it in the
 * bucket, the other edge loads it from there and reloads HAProxy only when it changed. Real scripts
 * (portage-edge-acme, portage-fetch, portage-edge-apply) on two scratch edges with real HAProxy
 * processes and a `file` store; certbot itself is not run (its deploy hook is called as certbot does).
 */
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { script } from "../../components/node/scripts";
import { install, removeScratchDirs, runScript, scratchDir, scratchEdge, type ScratchEdge } from "../../lab/scratch/scratch";

const key = "edge/tls/app.example.com.pem";
const bucket = "hello-test-bucket";
const pem = (n: number) =>
  `-----BEGIN CERTIFICATE-----\ncert ${n}\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nkey ${n}\n-----END PRIVATE KEY-----\n`;

describe("a certificate shared by an edge pair", () => {
  let store: string;
  let renewer: ScratchEdge;
  let follower: ScratchEdge;

  const calls = (edge: ScratchEdge) => readFileSync(join(edge.root, "run/shim/calls"), "utf8").trim().split("\n");
  const sitePem = (edge: ScratchEdge) => join(edge.root, "etc/haproxy/certs/site.pem");
  const inStore = () => join(store, bucket, key);

  /** The edge.env lines a shared certificate adds (what edgeFiles renders, pointed at the scratch store). */
  const share = (edge: ScratchEdge, isRenewer: boolean) => {
    install(edge.root, [script("portage-edge-acme"), script("portage-fetch")]);
    appendFileSync(
      join(edge.root, "etc/portage/edge.env"),
      `DOMAIN="app.example.com"\nACME_EMAIL="ops@example.com"\nRELEASES_PROVIDER="file"\nRELEASES_LOCATION="${store}"\n` +
        `BUCKET="${bucket}"\nCERT_KEY="${key}"\nCERT_RENEWER="${isRenewer}"\n`,
    );
  };

  beforeAll(async () => {
    store = scratchDir("store");
    mkdirSync(join(store, bucket), { recursive: true });
    renewer = await scratchEdge([], [4000, 4001]);
    follower = await scratchEdge([], [4000, 4001]);
    share(renewer, true);
    share(follower, false);
  }, 60_000);

  afterAll(() => {
    renewer?.stop();
    follower?.stop();
    removeScratchDirs();
  });

  it("the other edge waits quietly until the renewer has put a certificate in the bucket", async () => {
    const r = await runScript(follower.root, "portage-edge-acme", [], follower.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("no shared certificate in the bucket yet");
  });

  it("the renewer's deploy hook installs the certificate, puts it in the bucket and reloads HAProxy", async () => {
    const lineage = scratchDir("lineage");
    writeFileSync(join(lineage, "fullchain.pem"), pem(1).split("-----BEGIN PRIVATE KEY-----")[0]!);
    writeFileSync(join(lineage, "privkey.pem"), `-----BEGIN PRIVATE KEY-----${pem(1).split("-----BEGIN PRIVATE KEY-----")[1]}`);
    const before = calls(renewer).length;
    const r = await runScript(renewer.root, "portage-edge-acme", ["--install"], { ...renewer.env, RENEWED_LINEAGE: lineage });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(sitePem(renewer), "utf8")).toBe(pem(1));
    expect((statSync(sitePem(renewer)).mode & 0o777).toString(8)).toBe("600");
    expect(readFileSync(inStore(), "utf8")).toBe(pem(1));
    expect(calls(renewer).slice(before)).toContain("reload haproxy");
  });

  it("the other edge loads it, reloads HAProxy, and does nothing while it is unchanged", async () => {
    let before = calls(follower).length;
    const r = await runScript(follower.root, "portage-edge-acme", [], follower.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("loaded the shared certificate for app.example.com");
    expect(readFileSync(sitePem(follower), "utf8")).toBe(pem(1));
    expect((statSync(sitePem(follower)).mode & 0o777).toString(8)).toBe("600");
    expect(calls(follower).slice(before)).toContain("reload haproxy");

    before = calls(follower).length;
    const again = await runScript(follower.root, "portage-edge-acme", [], follower.env);
    expect(again.code, again.stderr).toBe(0);
    expect(calls(follower).slice(before)).not.toContain("reload haproxy");
  });

  it("a renewal reaches the other edge on its next run", async () => {
    writeFileSync(join(store, "renewed.pem"), pem(2));
    const put = await runScript(renewer.root, "portage-fetch", ["put", join(store, "renewed.pem"), key], renewer.env);
    expect(put.code, put.stderr).toBe(0);
    const r = await runScript(follower.root, "portage-edge-acme", [], follower.env);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(sitePem(follower), "utf8")).toBe(pem(2));
  });

  it("refuses what is not a certificate and key, keeping the one it has", async () => {
    writeFileSync(inStore(), "<html>not a certificate</html>\n");
    const r = await runScript(follower.root, "portage-edge-acme", [], follower.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`the bucket's ${key} is not a certificate and key`);
    expect(readFileSync(sitePem(follower), "utf8")).toBe(pem(2));
  });
});
