import { statSync } from "node:fs";
import { checkRelease, inspectRelease, type Architecture, type ReleaseFacts } from "./release-tarball";
import { checkReleaseFile } from "./sections/app";
import type { PortableSpec } from "./spec";

/** Read once per tarball and program run: a footprint beside the serving one checks the same file. */
const read = new Map<string, ReleaseFacts>();

/**
 * Whether `app.release` runs on the nodes of one cloud: a mix release named `app.name` at
 * `app.version`, with its own Erlang runtime built for the nodes' CPU and Ubuntu 24.04's glibc
 * (release-tarball.ts). Nothing when the file itself is missing or unreadable: the app section says so.
 */
export function releaseProblems(app: PortableSpec["app"], target: { arch: Architecture; archSource: string }): string[] {
  if (checkReleaseFile(app.release)) return [];
  const { mtimeMs, size } = statSync(app.release);
  const key = `${app.release}:${mtimeMs}:${size}`;
  let facts = read.get(key);
  if (!facts) {
    facts = inspectRelease(app.release);
    read.set(key, facts);
  }
  return checkRelease(facts, { name: app.name, version: app.version, arch: target.arch, archSource: target.archSource });
}
