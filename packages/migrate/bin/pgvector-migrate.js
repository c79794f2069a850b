#!/usr/bin/env node
// Node >= 22.1 caches the compiled code of the modules loaded below on disk (in the OS temporary directory,
// or NODE_COMPILE_CACHE), so later runs skip most of the parsing and compiling: the CLI is run in CI loops.
// Best effort: without it (older Node, unwritable directory) everything works, only slower.
try {
  require("node:module").enableCompileCache?.();
} catch {}

require(cliModule())
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.exitCode = 1;
      try {
        process.stderr.write(`pgvector-migrate: ${error instanceof Error ? error.message : String(error)}\n`);
      } catch {}
    },
  );

/**
 * The single-file bundle of the CLI (bundle-cli.mjs) starts faster than its modules; it is used unless a
 * TypeScript build is newer (`tsc -b` alone after an edit), so it never runs older code than dist/.
 */
function cliModule() {
  const { statSync } = require("node:fs");
  const { join } = require("node:path");
  const modules = join(__dirname, "../dist/cli/main.js");
  const bundle = join(__dirname, "../dist/cli/bundle.js");
  try {
    const built = statSync(bundle).mtimeMs;
    const compiled = statSync(join(__dirname, "../tsconfig.tsbuildinfo"), { throwIfNoEntry: false });
    return compiled && compiled.mtimeMs > built ? modules : bundle;
  } catch {
    return modules;
  }
}
