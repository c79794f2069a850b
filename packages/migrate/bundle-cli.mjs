// Bundles the compiled CLI (dist/cli/main.js and the engine modules it loads, with the pg driver) into one file,
// dist/cli/bundle.js, which bin/pgvector-migrate.js loads while it is newer than the last TypeScript build: one
// file starts about 20 ms faster than the ~80 modules of `plan` (module resolution and loading, see
// docs/benchmarks.md). Run after `tsc -b` (npm run build does both).
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const entry = join(root, "dist/cli/main.js");
try {
  statSync(entry);
} catch {
  throw new Error(`${entry} is missing: run tsc -b packages/migrate first`);
}
buildSync({
  entryPoints: [entry],
  outfile: join(root, "dist/cli/bundle.js"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node22",
  // Loaded from node_modules at run time: the parser finds its .wasm file next to itself, squawk is an executable,
  // and pg's optional native and Cloudflare back ends are never installed here.
  external: ["libpg-query", "squawk-cli", "pg-native", "pg-cloudflare"],
  logLevel: "warning",
});
