import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts", "test/support/query-plan/global-setup.ts"],
    // Checks every query the app sends against the declared indexes (README “Queries and their indexes”).
    setupFiles: ["test/support/query-plan/check-each-file.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Test files share each worker's module cache (no test mocks modules or relies on fresh module
    // state): loading the app once per worker instead of once per file takes the suite from ~190 s
    // to ~120 s on 2 cores.
    isolate: false,
    // Two workers on 2 cores (vitest's default is one fewer than the cores: a serial run here): the
    // suite takes ~150 s instead of ~235 s. Timing tests leave room for the second worker's load.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
