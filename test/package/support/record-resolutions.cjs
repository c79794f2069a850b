// Preloaded (NODE_OPTIONS=--require) into the dynamic-provider host: appends to PGVECTOR_RESOLUTIONS, one JSON
// line each, where `require("pgvector-migrate")` resolved, so a test can tell which copy of the engine ran.
const { appendFileSync } = require("node:fs");
const { registerHooks } = require("node:module");

const log = process.env.PGVECTOR_RESOLUTIONS;
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (log && specifier === "pgvector-migrate") {
      appendFileSync(log, `${JSON.stringify({ specifier, url: resolved.url, script: process.argv[1] })}\n`);
    }
    return resolved;
  },
});
