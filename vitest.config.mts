import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests exercise the engine from source; the dynamic-provider host tests load the built package.
    alias: { "pgvector-migrate": fileURLToPath(new URL("./packages/migrate/src/index.ts", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts", "policy/**/*.test.ts"],
    // One native PostgreSQL for the whole run; see test/support/README.md.
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
