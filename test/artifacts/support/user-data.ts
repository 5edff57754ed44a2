import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import type { VmFile } from "../../../components/node/types";

interface WriteFile {
  path: string;
  content: string;
  encoding?: string;
  permissions?: string;
  owner?: string;
}

export interface CloudConfigDoc {
  users: unknown[];
  write_files: WriteFile[];
  packages?: string[];
  snap?: { commands: string[] };
  runcmd: string[][];
}

export function parseUserData(text: string): CloudConfigDoc {
  if (!text.startsWith("#cloud-config\n")) throw new Error("user-data does not start with #cloud-config");
  return parse(text) as CloudConfigDoc;
}

/** The files cloud-init would write, decoded as cloud-init does (gz+b64, defaults root:root 0644). */
export function writtenFiles(text: string): VmFile[] {
  return parseUserData(text).write_files.map((f) => {
    const encoding = f.encoding ?? "text/plain";
    let content: string;
    if (encoding === "gz+b64") content = gunzipSync(Buffer.from(f.content, "base64")).toString("utf8");
    else if (encoding === "text/plain") content = f.content;
    else throw new Error(`${f.path}: unexpected encoding ${encoding}`);
    return { path: f.path, content, mode: f.permissions ?? "0644" };
  });
}
