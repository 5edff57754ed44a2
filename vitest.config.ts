import { defineConfig } from "vitest/config";
import { suiteProjects } from "./test/setup/projects";

export default defineConfig({
  test: {
    // Pulumi's runtime keeps global state: each test file runs in its own process.
    pool: "forks",
    globalSetup: ["test/setup/global.ts"],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // The local-fleet files run one at a time, after the rest (see test/setup/projects.ts).
    projects: suiteProjects({ parallel: ["test/**/*.test.ts", "policy/**/*.test.ts"], oneAtATime: ["test/e2e/**/*.test.ts"] }),
  },
});
