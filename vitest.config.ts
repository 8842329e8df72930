import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Test files share each worker's module cache (no test mocks modules or relies on fresh module
    // state): loading the app once per worker instead of once per file takes the suite from ~190 s
    // to ~120 s on 2 cores.
    isolate: false,
    reporters: ["default"],
  },
});
