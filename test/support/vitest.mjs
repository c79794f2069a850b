// `npm test` runs vitest through this launcher: NO_COLOR must be set before vitest loads, since its reporter
// computes some coloured symbols at load time (the config file comes too late for those).
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { usePlainOutputWhenRedirected } from "./plain-output.mjs";

usePlainOutputWhenRedirected();
const vitestRoot = dirname(createRequire(import.meta.url).resolve("vitest/package.json"));
await import(pathToFileURL(join(vitestRoot, "vitest.mjs")).href);
