import { configDefaults } from "vitest/config";

/**
 * The suite's two groups. The local-fleet files (test/e2e) share network namespaces, the bridge,
 * ports and the machine's CPU under load: they run one file at a time (fileParallelism: false), after
 * every other file has finished (sequence.groupOrder), so no parallel file competes with a measured
 * load. Everything else runs in parallel, each file in its own process (Pulumi's runtime keeps
 * global state). A function, so test/unit/vitest-projects.test.ts runs these very settings on fixtures.
 */
export function suiteProjects(files: { parallel: string[]; oneAtATime: string[] }) {
  return [
    {
      extends: true as const,
      test: {
        name: "parallel",
        include: files.parallel,
        exclude: [...configDefaults.exclude, ...files.oneAtATime],
        sequence: { groupOrder: 0 },
      },
    },
    {
      extends: true as const,
      test: { name: "one-at-a-time", include: files.oneAtATime, fileParallelism: false, sequence: { groupOrder: 1 } },
    },
  ];
}
