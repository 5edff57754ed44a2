/**
 * npm run render -- --stack <name> [--provider <cloud>] --out <dir>
 *
 * Writes every file the stack puts on each VM, as the VM gets it, under <dir>/<vm-name>/: the
 * user-data as recorded on the VM resource (from an offline run of the program, so names,
 * addresses and the bucket are the ones the stack computes), each file it writes, the env files
 * portage-boot fills at boot (secrets replaced by placeholders naming their store entry), and on
 * the edge the routes file the rollout pushes.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import { clouds, parseStackConfig, servingCloud, type Cloud } from "../components/config";
import { nodeRuntime } from "../components/fleet";
import { bootEnvFiles } from "../components/node/env";
import { unpackUserData } from "../components/node/cloud-config";
import { edgeProxies } from "../components/node/proxy";
import type { VmFile } from "../components/node/types";
import { secretRef, type SecretEnv } from "../components/secrets/names";
import { parseCommandLine, runMain, UserError } from "./cli";
import type { RecordedResource } from "./offline/run";
import { flattenConfig, placeholderRelease, projectRoot, readStackFile, runStack, withOverrides, type StackConfig } from "./offline/stack";

interface WriteFile {
  path: string;
  content: string;
  encoding?: string;
  permissions?: string;
}

/** The files a cloud-config writes, decoded as cloud-init decodes them. */
export function filesOfUserData(userData: string): VmFile[] {
  const doc = parse(userData) as { write_files?: WriteFile[] } | null;
  return (doc?.write_files ?? []).map((f) => ({
    path: f.path,
    content: f.encoding === "gz+b64" ? gunzipSync(Buffer.from(f.content, "base64")).toString("utf8") : f.content,
    mode: f.permissions ?? "0644",
  }));
}

function userDataOf(r: RecordedResource): string | undefined {
  const inputs = r.inputs as { userDataBase64?: unknown; metadata?: Record<string, unknown> };
  const text = typeof inputs.userDataBase64 === "string" ? unpackUserData(inputs.userDataBase64) : inputs.metadata?.["user-data"];
  return typeof text === "string" ? text : undefined;
}

/** A placeholder that says where the value comes from, and cannot be mistaken for one. */
const placeholder = (env: string, ref: string) => `<${env}: fetched at boot from ${ref}>`;

export interface RenderOptions {
  stack: string;
  provider?: Cloud;
  out: string;
}

export interface RenderedVm {
  name: string;
  role: "node" | "edge";
  files: VmFile[];
}

export async function render(options: RenderOptions): Promise<RenderedVm[]> {
  const base = readStackFile(options.stack);
  const overrides: StackConfig = {};
  const app = (base["portage:app"] ?? {}) as { release?: string };
  // The tarball only feeds the release upload, never a VM: a placeholder stands in when it is not built yet.
  if (!app.release || !existsSync(resolve(projectRoot, app.release))) overrides["portage:app"] = { release: placeholderRelease };
  const result = await runStack({ stack: options.stack, ...(options.provider ? { provider: options.provider } : {}), overrides });
  if (result.error) throw new UserError(result.error.message);
  if (!result.outputs) throw new Error("the program exported nothing");

  const config = withOverrides(withOverrides(base, options.provider ? { "portage:provider": options.provider } : {}), overrides);
  const spec = parseStackConfig(flattenConfig(config), { project: "portage", stack: options.stack, cwd: projectRoot });
  const cloud = servingCloud(spec);
  const addresses = new Map(result.outputs.nodes.map((n) => [n.name, n.privateAddress]));
  // Each edge's routes push: the primary's is `<release>-edge-routes`, another's `<release>-edge-routes-<region>-<n>`.
  const routesOf = (edge: string) =>
    result.resources.find((r) => r.type === "command:remote:Command" && r.name.endsWith(`edge-routes${edge.slice("edge".length)}`));

  const vms: RenderedVm[] = [];
  for (const resource of result.resources) {
    const userData = userDataOf(resource);
    if (!userData) continue;
    const files = filesOfUserData(userData);
    const settings = files.find((f) => f.path === "/etc/portage/node.env");
    const userDataFile: VmFile = { path: "/user-data.yaml", content: userData, mode: "0600" };
    if (settings) {
      const name = /^NODE_NAME="([^"]*)"$/m.exec(settings.content)?.[1] ?? resource.name;
      const nodeSpec = cloud.nodes.find((n) => n.name === name);
      if (!nodeSpec) throw new Error(`VM ${resource.name} says it is node ${name}, which the spec does not have`);
      const rt = nodeRuntime(spec, cloud, nodeSpec, result.outputs.bucketName);
      const secrets = Object.fromEntries(rt.secrets.entries.map((e) => [e.env, placeholder(e.env, e.ref)])) as Record<SecretEnv, string>;
      vms.push({
        name,
        role: "node",
        files: [userDataFile, ...files, ...bootEnvFiles(rt, addresses.get(name) ?? "<private address>", secrets)],
      });
    } else {
      // The VM's logical name is the edge's (`edge`, `edge-<region>-<n>`), with `-vm` on GCP.
      const edge = resource.name.replace(/-vm$/, "");
      const routes = routesOf(edge);
      const pushed: VmFile[] = [];
      const stdin = routes ? (routes.inputs as { stdin?: unknown }).stdin : undefined;
      if (typeof stdin === "string") {
        pushed.push({ path: edgeProxies[spec.edge.kind].routesPath, content: stdin, mode: "0644" });
      }
      const address = typeof stdin === "string" ? /^\s*bind "([\d.]+):\d+"$/m.exec(stdin)?.[1] : undefined;
      pushed.push({
        path: "/etc/portage/edge-address.env",
        content: `EDGE_PRIVATE_ADDRESS="${address ?? "<the edge's private address, found at boot>"}"\n`,
        mode: "0644",
      });
      const password = secretRef({ provider: cloud.cloud, prefix: spec.prefix }, "EDGE_ADMIN_PASSWORD").ref;
      pushed.push({
        path: "/etc/portage/edge-admin.env",
        content: `EDGE_ADMIN_PASSWORD="${placeholder("EDGE_ADMIN_PASSWORD", password)}"\n`,
        mode: "0600",
      });
      vms.push({ name: edge, role: "edge", files: [userDataFile, ...files, ...pushed] });
    }
  }

  rmSync(options.out, { recursive: true, force: true });
  for (const vm of vms) {
    for (const f of vm.files) {
      const path = join(options.out, vm.name, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content, { mode: parseInt(f.mode, 8) });
    }
  }
  return vms;
}

const usage = `usage: npm run render -- --stack <name> [--provider ${clouds.join("|")}] --out <dir>`;

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine(
    process.argv.slice(2),
    { stack: { type: "string" }, provider: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
    usage,
  );
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (!values.stack || !values.out || positionals.length > 0) throw new UserError(usage, 2);
  if (values.provider && !(clouds as readonly string[]).includes(values.provider)) {
    throw new UserError(`--provider ${values.provider}: use ${clouds.join(" or ")}`, 2);
  }
  const out = resolve(values.out);
  const vms = await render({ stack: values.stack, out, ...(values.provider ? { provider: values.provider as Cloud } : {}) });
  for (const vm of vms) {
    const size = Buffer.byteLength(vm.files[0]?.content ?? "");
    console.log(`${vm.name} (${vm.role}): ${vm.files.length} files, user-data ${size} bytes -> ${join(out, vm.name)}`);
  }
  return 0;
}

if (require.main === module) runMain("render", main);
