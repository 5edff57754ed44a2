import type { RolloutBucket, StoredObject, WriteCondition } from "./bucket";

/**
 * A bucket that is a directory: `<dir>/<key>`, the layout of the `file` store (docs/ARCHITECTURE.md),
 * which the local fleet's nodes and its S3 stand-in read too. The version tag is the content's
 * sha256; a conditional write holds `<key>.lock` (O_EXCL) while it compares and renames.
 */
export function directoryBucket(dir: string): RolloutBucket {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const crypto = require("node:crypto") as typeof import("node:crypto");
  const file = (key: string) => {
    if (key.split("/").some((part) => part === ".." || part === "")) throw new Error(`bad key ${key}`);
    return path.join(dir, key);
  };
  const tagOf = (body: string) => crypto.createHash("sha256").update(body).digest("hex");
  const readNow = (key: string): StoredObject | undefined => {
    try {
      const body = fs.readFileSync(file(key), "utf8");
      return { body, tag: tagOf(body) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  };
  const conflict = (key: string) => Object.assign(new Error(`${key} changed while it was being updated`), { name: "WriteConflict" });

  return {
    url: `file://${dir}`,
    async read(key) {
      return readNow(key);
    },
    async write(key: string, body: string, condition?: WriteCondition) {
      const target = file(key);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const lock = `${target}.lock`;
      for (let i = 0; ; i++) {
        try {
          fs.closeSync(fs.openSync(lock, "wx"));
          break;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST" || i > 200) throw e;
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      try {
        const current = readNow(key);
        if (condition && "ifAbsent" in condition && current) throw conflict(key);
        if (condition && "ifMatch" in condition && current?.tag !== condition.ifMatch) throw conflict(key);
        const tmp = `${target}.${process.pid}.${Math.random().toString(16).slice(2)}`;
        fs.writeFileSync(tmp, body);
        fs.renameSync(tmp, target);
      } finally {
        fs.rmSync(lock, { force: true });
      }
    },
    async list(prefix) {
      const keys: string[] = [];
      const walk = (sub: string) => {
        let entries: import("node:fs").Dirent[];
        try {
          entries = fs.readdirSync(path.join(dir, sub), { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          const key = sub ? `${sub}/${e.name}` : e.name;
          if (e.isDirectory()) walk(key);
          else if (key.startsWith(prefix) && !key.endsWith(".lock")) keys.push(key);
        }
      };
      // Walk from the deepest directory the prefix names.
      walk(prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "");
      return keys.sort();
    },
    async remove(keys) {
      for (const key of keys) fs.rmSync(file(key), { force: true });
    },
  };
}
