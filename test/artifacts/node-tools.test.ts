/**
 * Everything portage puts on a VM, checked by the tools that will read it there: HAProxy's own
 * config check, cloud-init's schema, systemd's unit verifier, shellcheck, and Traefik's published
 * JSON schemas (no Traefik binary can be installed here).
 */
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { edgeFiles, edgeForwardRoutesFiles, edgeRoutesFiles, edgeUserData, haproxyInitialPath } from "../../components/node/edge";
import { haproxyConfig } from "../../components/node/haproxy";
import { nodeFiles, nodeUserData } from "../../components/node/node";
import { forVm, scriptDir } from "../../components/node/scripts";
import { privateAddressPlaceholder, traefikPaths } from "../../components/node/traefik";
import type { VmFile } from "../../components/node/types";
import { scratchDir, removeScratchDirs } from "../../lab/scratch/scratch";
import { haproxyCheck, throwawayCert } from "../support/haproxy";
import { danglingReferences, traefikStructsSchema } from "../support/traefik";
import { edgeRt, nodeRt, routes, userDataVariants } from "./support/variants";

describe("haproxy -c accepts every rendered HAProxy config", () => {
  const cert = throwawayCert();
  const cases = [
    { name: "one node, no domain", domain: false, nodes: 1 },
    { name: "many nodes, no domain", domain: false, nodes: 12 },
    { name: "one node, with a domain (TLS)", domain: true, nodes: 1 },
    { name: "many nodes, with a domain (TLS)", domain: true, nodes: 12 },
    { name: "three regions, other regions' nodes as backups", domain: true, nodes: 12, regions: ["virginia", "london", "sydney"] },
  ];
  it.each(cases)("$name", ({ domain, nodes, regions }: { domain: boolean; nodes: number; regions?: string[] }) => {
    const r = routes("haproxy", domain, nodes, regions);
    const [file] = edgeRoutesFiles(r);
    // The pushed file uses the production certificate path; the check loads the throwaway one instead.
    const config = domain ? file!.content.replace("/etc/haproxy/certs/site.pem", cert) : file!.content;
    expect(config).toBe(domain ? haproxyConfig(r, { certFile: cert }) : haproxyConfig(r));
    const check = haproxyCheck(config);
    expect(check.output).not.toMatch(/ALERT/);
    expect(check.ok, check.output).toBe(true);
  });

  it.each([false, true])("the edge's first config, before any route (domain: %s)", (domain) => {
    const initial = edgeFiles(edgeRt("aws", "haproxy", domain)).find((f) => f.path === haproxyInitialPath);
    const check = haproxyCheck(initial!.content.replace("/etc/haproxy/certs/site.pem", cert));
    expect(check.output).not.toMatch(/ALERT/);
    expect(check.ok, check.output).toBe(true);
  });

  it("haproxy -c rejects a broken config (the check can fail)", () => {
    expect(haproxyCheck(haproxyConfig(routes("haproxy", false, 1)).replace("balance roundrobin", "balance nonsense")).ok).toBe(false);
  });
});

describe("cloud-init schema accepts every user-data", () => {
  it.each(userDataVariants())("$name", ({ kind, node, edge }) => {
    const dir = scratchDir("cloud-init");
    const file = join(dir, "user-data.yaml");
    writeFileSync(file, kind === "node" ? nodeUserData(node!) : edgeUserData(edge!));
    const r = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`).toContain("Valid cloud-config");
    expect(r.status).toBe(0);
  });

  it("node aws with the agent and the app's settings", () => {
    const dir = scratchDir("cloud-init");
    const file = join(dir, "user-data.yaml");
    writeFileSync(
      file,
      nodeUserData({ ...nodeRt("aws"), agent: {}, appSettings: { env: "/portage/x/APP_ENV", secrets: "/portage/x/APP_SECRETS" } }),
    );
    const r = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`).toContain("Valid cloud-config");
    expect(r.status).toBe(0);
  });

  it("cloud-init schema rejects a malformed user-data (the check can fail)", () => {
    const dir = scratchDir("cloud-init");
    const file = join(dir, "user-data.yaml");
    writeFileSync(file, nodeUserData(nodeRt("aws")).replace("write_files:", "write_files: 3\nx_files:"));
    expect(spawnSync("cloud-init", ["schema", "--config-file", file]).status).not.toBe(0);
  });
});

/** Units under a scratch root with the system's own targets and stand-ins for the executables they run. */
function verifyUnits(files: VmFile[], units: string[]): { status: number | null; output: string } {
  const root = scratchDir("systemd");
  mkdirSync(join(root, "lib/systemd"), { recursive: true });
  cpSync("/lib/systemd/system", join(root, "lib/systemd/system"), { recursive: true });
  for (const f of files.filter((f) => f.path.startsWith("/etc/systemd/system/"))) {
    mkdirSync(join(root, f.path, ".."), { recursive: true });
    writeFileSync(join(root, f.path), f.content);
  }
  const execs = new Set<string>();
  for (const f of files) for (const m of f.content.matchAll(/^Exec\w+=[-@+!]*(\/\S+)/gm)) execs.add(m[1]!.replace(/%i/g, "4000"));
  for (const exe of execs) {
    mkdirSync(join(root, exe, ".."), { recursive: true });
    writeFileSync(join(root, exe), "#!/bin/sh\n", { mode: 0o755 });
  }
  const r = spawnSync("systemd-analyze", ["verify", `--root=${root}`, ...units], { encoding: "utf8" });
  return { status: r.status, output: withoutNewerKeys(`${r.stdout}${r.stderr}`).trim() };
}

/**
 * The restart back-off keys are systemd 254's (the VMs run Ubuntu 24.04's 255); an older systemd
 * here (Debian 12's 252) ignores them with a warning, which is all that is dropped.
 */
function withoutNewerKeys(output: string): string {
  const version = Number(/systemd (\d+)/.exec(spawnSync("systemctl", ["--version"], { encoding: "utf8" }).stdout)?.[1]);
  if (version >= 254) return output;
  return output.replace(/^.*Unknown key '(RestartSteps|RestartMaxDelaySec)' in section \[Service\], ignoring\.$\n?/gm, "");
}

describe("systemd-analyze verify accepts the units", () => {
  it("node: the release template (as an instance), epmd and boot", () => {
    const files = nodeFiles(nodeRt("aws"));
    const r = verifyUnits(files, ["hello@4000.service", "hello-epmd.service", "portage-boot.service"]);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  });

  it("node with the agent: portage-agent.service (its back-off keys are systemd 254's; the VMs run Ubuntu 24.04's 255)", () => {
    const r = verifyUnits(nodeFiles({ ...nodeRt("aws"), agent: {} }), ["portage-agent.service"]);
    const version = Number(/systemd (\d+)/.exec(spawnSync("systemctl", ["--version"], { encoding: "utf8" }).stdout)?.[1]);
    // Older systemd ignores them, with a warning: Debian 12's 252 here.
    const tooOld = version < 254 ? /^.*Unknown key 'Restart(Steps|MaxDelaySec)' in section \[Service\], ignoring\.$/gm : /$^/;
    expect(r.output.replace(tooOld, "").trim()).toBe("");
    expect(r.status).toBe(0);
  });

  it("edge: boot, Traefik, and the ACME retry timer", () => {
    const files = [...edgeFiles(edgeRt("gcp", "traefik", false)), ...edgeFiles(edgeRt("gcp", "haproxy", true))];
    const r = verifyUnits(files, ["portage-edge-boot.service", "traefik.service", "portage-acme.service", "portage-acme.timer"]);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  });

  it("reports a unit with a typo (the check can fail)", () => {
    const [unit] = nodeFiles(nodeRt("aws")).filter((f) => f.path.endsWith("hello@.service"));
    const broken = { ...unit!, content: unit!.content.replace("Restart=on-failure", "Restart=on-failur") };
    expect(verifyUnits([broken], ["hello@4000.service"]).output).toMatch(/restart specifier/i);
  });
});

describe("shellcheck passes every script", () => {
  const sources = readdirSync(scriptDir);
  it.each(sources)("%s as written", (name) => {
    const r = spawnSync("shellcheck", ["-x", "-P", "SCRIPTDIR", join(scriptDir, name)], { encoding: "utf8" });
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });

  it.each(sources)("%s as a VM gets it (body comments left out)", (name) => {
    const dir = scratchDir("shellcheck");
    for (const s of sources) writeFileSync(join(dir, s), forVm(readFileSync(join(scriptDir, s), "utf8")));
    const r = spawnSync("shellcheck", ["-x", "-P", "SCRIPTDIR", join(dir, name)], { encoding: "utf8" });
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("Traefik configs match Traefik's published JSON schemas", () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const schema = (name: string) => JSON.parse(readFileSync(join(__dirname, "../../../shared/reference/traefik", name), "utf8")) as object;
  const staticSchema = ajv.compile(schema("traefik-v3.json"));
  const dynamicSchema = ajv.compile(schema("traefik-v3-file-provider.json"));

  it.each([false, true])("static config (domain: %s)", (domain) => {
    const file = edgeFiles(edgeRt("aws", "traefik", domain)).find((f) => f.path === traefikPaths.staticTemplate)!;
    const config = parse(file.content.replace(privateAddressPlaceholder, "10.100.0.10")) as object;
    expect(staticSchema(config), JSON.stringify(staticSchema.errors)).toBe(true);
  });

  it.each([
    { domain: false, nodes: 1, regions: undefined },
    { domain: true, nodes: 12, regions: undefined },
    { domain: true, nodes: 12, regions: ["virginia", "london"] },
  ])("dynamic routes (domain: $domain, $nodes nodes, regions: $regions)", ({ domain, nodes, regions }) => {
    const [file] = edgeRoutesFiles(routes("traefik", domain, nodes, regions));
    expect(dynamicSchema(parse(file!.content)), JSON.stringify(dynamicSchema.errors)).toBe(true);
  });

  it("the dashboard's router", () => {
    const file = edgeFiles(edgeRt("aws", "traefik", false)).find((f) => f.path === traefikPaths.admin)!;
    expect(dynamicSchema(parse(file.content)), JSON.stringify(dynamicSchema.errors)).toBe(true);
  });

  it("rejects a misspelt key (the schema check can fail)", () => {
    const [file] = edgeRoutesFiles(routes("traefik", false, 1));
    const broken = parse(file!.content.replace("healthCheck", "healthCheckk")) as object;
    expect(dynamicSchema(broken)).toBe(false);
  });

  // A migration's cutover: the source edge forwards to the target edge (traefik-forward.ts).
  const structs = ajv.compile(traefikStructsSchema);
  const forwardCases = [
    { domain: false, regions: undefined },
    { domain: true, regions: undefined },
    { domain: false, regions: ["virginia", "london"] },
  ];
  it.each(forwardCases)("forwarding to the target edge (domain: $domain, regions: $regions)", ({ domain, regions }) => {
    const [file] = edgeForwardRoutesFiles(routes("traefik", domain, 6, regions), { address: "10.200.0.5" });
    const config = parse(file!.content) as object;
    expect(dynamicSchema(config), JSON.stringify(dynamicSchema.errors)).toBe(true);
    expect(structs(config), JSON.stringify(structs.errors)).toBe(true);
    expect(danglingReferences(config)).toEqual([]);
  });

  it.each([false, true])("the normal routes refer only to what they define (domain: %s)", (domain) => {
    const [file] = edgeRoutesFiles(routes("traefik", domain, 6, ["virginia", "london"]));
    expect(danglingReferences(parse(file!.content) as object)).toEqual([]);
    expect(structs(parse(file!.content)), JSON.stringify(structs.errors)).toBe(true);
  });

  it("the forwarding checks can fail: a misspelt TCP router key, serversTransport key, health check key, or a missing transport", () => {
    const [file] = edgeForwardRoutesFiles(routes("traefik", true, 1), { address: "10.200.0.5" });
    const broken = (from: string, to: string) => parse(file!.content.replace(from, to)) as object;
    expect(dynamicSchema(broken("entryPoints:\n        - web", "entryPoint:\n        - web"))).toBe(false);
    expect(structs(broken("insecureSkipVerify", "insecureSkipVerifyy"))).toBe(false);
    expect(structs(broken("hostname:", "hostName:"))).toBe(false);
    expect(danglingReferences(broken("serversTransport: forward", "serversTransport: forwardd"))).toEqual([
      "http service forward: serversTransport forwardd",
    ]);
  });
});

afterAll(removeScratchDirs);
