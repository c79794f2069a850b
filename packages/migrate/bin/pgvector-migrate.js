#!/usr/bin/env node
// Node >= 22.1 caches the compiled code of the modules loaded below on disk (in the OS temporary directory,
// or NODE_COMPILE_CACHE), so later runs skip most of the parsing and compiling: the CLI is run in CI loops.
// Best effort: without it (older Node, unwritable directory) everything works, only slower.
try {
  require("node:module").enableCompileCache?.();
} catch {}

require("../dist/cli/main.js")
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
