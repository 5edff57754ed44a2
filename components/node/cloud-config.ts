import { gunzipSync, gzipSync, strFromU8, strToU8 } from "fflate";
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

/** AWS refuses user-data over 16 KB (counted gzipped, see packUserData). */
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

function writeFile(f: VmFile): Record<string, string> {
  // cloud-init's defaults are root:root and 0644: left out, every byte counts. Contents stay plain:
  // the whole document is compressed where the cloud limits its size (packUserData).
  return { path: f.path, ...(f.mode === "0644" ? {} : { permissions: f.mode }), content: f.content };
}

/**
 * The user-data as AWS takes it: the whole cloud-config gzipped (cloud-init recognises gzip by its
 * magic bytes), base64 for `userDataBase64`. AWS counts the 16 KB on the raw bytes, before base64
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html); the provider wants gzip in
 * `user_data_base64` so the binary is not corrupted
 * (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance#user_data_base64).
 * Deterministic (pure JS, mtime 0): Node's zlib may compress differently on another CPU or Node
 * version, which would change the user-data and replace the VM. GCP's metadata holds 256 KB per
 * value: its user-data stays readable text.
 */
export function packUserData(text: string): string {
  let packed = packedTexts.get(text);
  if (packed === undefined) {
    packed = Buffer.from(gzipSync(strToU8(text), { level: 9, mem: 8, mtime: 0 })).toString("base64");
    packedTexts.set(text, packed);
  }
  return packed;
}

/** The cloud-config text of `packUserData`'s result (`npm run render`, the tests). */
export function unpackUserData(base64: string): string {
  return strFromU8(gunzipSync(Buffer.from(base64, "base64")));
}

/** Bytes AWS counts against `userDataLimit`. */
export function packedUserDataBytes(text: string): number {
  return Buffer.from(packUserData(text), "base64").length;
}

/** Every node of a run has the same user-data but its name and address: compress each once per run. */
const packedTexts = new Map<string, string>();
