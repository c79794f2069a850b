import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { disableDefaultColors } from "vitest/node";

import { usePlainOutputWhenRedirected } from "./test/support/plain-output.mjs";

// `npx vitest` run directly: the workers (assertion diffs) inherit NO_COLOR; this process's colours are switched
// off here, except a few symbols vitest coloured before loading this file (test/support/vitest.mjs avoids those).
if (usePlainOutputWhenRedirected()) disableDefaultColors();

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
