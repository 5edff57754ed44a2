import { gzipSync, strToU8 } from "fflate";
import { stringify } from "yaml";
import type { VmFile } from "./types";

/** cloud-init user-data (Ubuntu 24.04 on both clouds): users, files, packages, then start a boot unit. */
export interface CloudConfig {
  admin: { user: string; sshPublicKey: string };
  /** System users the services run as (no login, no password). */
  systemUsers: { name: string; home: string }[];
  files: VmFile[];
  packages?: string[];
  snaps?: string[];
  /** Units enabled at boot; the last one is also started now (without blocking cloud-init). */
  enable: string[];
  /** Units started now instead of the last enabled one. */
  start?: string[];
}

/** AWS refuses user-data over 16 KB. */
export const userDataLimit = 16 * 1024;

export function cloudConfig(c: CloudConfig): string {
  const last = c.enable[c.enable.length - 1];
  const start = c.start ?? (last ? [last] : []);
  const doc = {
    users: [
      "default",
      {
        name: c.admin.user,
        groups: ["sudo"],
        shell: "/bin/bash",
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
        ssh_authorized_keys: [c.admin.sshPublicKey],
      },
      ...c.systemUsers.map((u) => ({ name: u.name, system: true, shell: "/usr/sbin/nologin", homedir: u.home, no_create_home: true })),
    ],
    write_files: c.files.map(writeFile),
    ...(c.packages?.length ? { packages: c.packages } : {}),
    ...(c.snaps?.length ? { snap: { commands: c.snaps.map((s) => `snap install ${s}`) } } : {}),
    runcmd: [
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", ...c.enable],
      ...(start.length > 0 ? [["systemctl", "start", "--no-block", ...start]] : []),
    ],
  };
  return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
}

/** Files above this size are written gzip+base64 (the scripts); smaller ones stay readable in the user-data. */
const compressAbove = 256;

function writeFile(f: VmFile): Record<string, string> {
  // cloud-init's defaults are root:root and 0644: left out, every byte counts.
  const common = { path: f.path, ...(f.mode === "0644" ? {} : { permissions: f.mode }) };
  if (f.content.length <= compressAbove) return { ...common, content: f.content };
  return { ...common, encoding: "gz+b64", content: gzip(f.content) };
}

/**
 * Deterministic gzip (pure JS, mtime 0): Node's zlib may compress differently on another CPU or
 * Node version, which would change the user-data and make the cloud update the VM.
 */
export function gzip(text: string): string {
  let packed = packedFiles.get(text);
  if (packed === undefined) {
    packed = Buffer.from(gzipSync(strToU8(text), { level: 9, mem: 8, mtime: 0 })).toString("base64");
    packedFiles.set(text, packed);
  }
  return packed;
}

/** Every node gets the same scripts: compress each once per run, not once per node. */
const packedFiles = new Map<string, string>();
