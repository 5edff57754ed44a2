import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { must } from "./run";

/** The fixture app's source tree (a mix project, no hex packages). */
export const fixtureDir = join(__dirname, "..", "..", "examples", "hello");
/** Built tarballs, one directory per source hash + build flags; under _build, which .gitignore covers. */
export const releaseCacheDir = join(fixtureDir, "_build", "portage-e2e-releases");

export interface ReleaseBuild {
  /** The release version (SemVer, as mix requires), e.g. "1.0.0". */
  version: string;
  /** "fail": the release's health check answers 503, for a deploy that must be refused. */
  health?: "ok" | "fail";
  /** "fail": its bin/migrate fails, for a rollout that must stop before any switch. */
  migrate?: "ok" | "fail";
}

export interface BuiltRelease {
  version: string;
  /** Absolute path of `hello-<version>.tar.gz`. */
  tarball: string;
  sha256: string;
}

/**
 * Builds the fixture app into a release tarball (`MIX_ENV=prod mix release`, steps assemble + tar),
 * or returns the cached one when the sources and flags are unchanged.
 */
export async function buildRelease(build: ReleaseBuild): Promise<BuiltRelease> {
  const health = build.health ?? "ok";
  const migrate = build.migrate ?? "ok";
  const key = createHash("sha256").update(sourceHash()).update(`\0${build.version}\0${health}\0${migrate}`).digest("hex").slice(0, 16);
  const dir = join(releaseCacheDir, `${build.version}-${health}${migrate === "fail" ? "-migrate-fail" : ""}-${key}`);
  const tarball = join(dir, `hello-${build.version}.tar.gz`);
  if (!existsSync(tarball)) {
    mkdirSync(releaseCacheDir, { recursive: true });
    // A private build path per build: concurrent builds (tests and benchmarks) never share _build.
    const buildPath = mkdtempSync(join(releaseCacheDir, "build-"));
    try {
      await must("mix", ["release", "--overwrite", "--quiet"], {
        cwd: fixtureDir,
        env: {
          ...process.env,
          MIX_ENV: "prod",
          MIX_BUILD_PATH: buildPath,
          HELLO_VERSION: build.version,
          HELLO_HEALTH: health,
          HELLO_MIGRATE: migrate,
        },
        timeoutMs: 300_000,
      });
      mkdirSync(dir, { recursive: true });
      renameSync(join(buildPath, `hello-${build.version}.tar.gz`), tarball);
    } finally {
      rmSync(buildPath, { recursive: true, force: true });
    }
  }
  return { version: build.version, tarball, sha256: createHash("sha256").update(readFileSync(tarball)).digest("hex") };
}

/** Hash of every source file of the fixture (mix.exs, lib/, config/ if any), by relative path and content. */
function sourceHash(): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(`${relative(fixtureDir, path)}\0`).update(readFileSync(path));
    }
  };
  hash.update(readFileSync(join(fixtureDir, "mix.exs")));
  for (const sub of ["lib", "config", "rel"]) if (existsSync(join(fixtureDir, sub))) walk(join(fixtureDir, sub));
  return hash.digest("hex");
}
