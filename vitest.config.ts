import { join } from "node:path";

type ViteUserConfig = import("vitest/config", { with: { "resolution-mode": "import" }}).ViteUserConfig;

// A plain object instead of defineConfig(): the root TypeScript project compiles as CommonJS (module node16),
// from which vitest's ESM-only value exports cannot be imported.
const config: ViteUserConfig = {
  resolve: {
    // Tests exercise the engine from source; the dynamic-provider host tests load the built package.
    alias: { "pgvector-migrate": join(__dirname, "packages/migrate/src/index.ts") },
  },
  test: {
    include: ["test/**/*.test.ts", "policy/**/*.test.ts"],
    // One native PostgreSQL for the whole run; see test/support/README.md.
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
};

export default config;
