// Preloaded (NODE_OPTIONS=--require) into the dynamic-provider host: appends to PGVECTOR_RESOLUTIONS, one JSON
// line each, where `require("pgvector-migrate")` resolved, so a test can tell which copy of the engine ran.
const { appendFileSync } = require("node:fs");
const Module = require("node:module");
const { pathToFileURL } = require("node:url");

const log = process.env.PGVECTOR_RESOLUTIONS;
const record = (specifier, url) => {
  if (log && specifier === "pgvector-migrate") {
    appendFileSync(log, `${JSON.stringify({ specifier, url, script: process.argv[1] })}\n`);
  }
};

if (typeof Module.registerHooks === "function") {
  Module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      record(specifier, resolved.url);
      return resolved;
    },
  });
} else {
  // Node before 22.15: no synchronous resolve hooks; require() goes through Module._resolveFilename.
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const resolved = resolveFilename.call(this, request, ...rest);
    record(request, pathToFileURL(resolved).href);
    return resolved;
  };
}
