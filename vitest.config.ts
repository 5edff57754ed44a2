import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "policy/**/*.test.ts"],
    // Pulumi's runtime keeps global state: each test file runs in its own process.
    pool: "forks",
    globalSetup: ["test/setup/global.ts"],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // The local-fleet tests share network namespaces and ports: run files one at a time there.
    fileParallelism: true,
  },
});
