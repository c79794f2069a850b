// The engine is loaded only when a command needs it, and then only the modules that command uses, so `--help`,
// usage errors, `plan` and `up` stay fast (the whole engine pulls in lint, squawk's child_process and more).
import { beforeParserLoads } from "../sql/parser";

export type EngineApi = typeof import("../index");

/**
 * The engine's modules the commands use, which the index re-exports under the same names, in the order the commands
 * need them: a name is looked up module by module, loading each on first use, and only a name none of them has
 * (lint) loads the whole index. `plan` loads the first two, `up` the first three.
 */
const engineModules = [
  () => require("../files/load") as Partial<EngineApi>,
  () => require("../engine/plan") as Partial<EngineApi>,
  () => require("../engine/up") as Partial<EngineApi>,
  () => require("../engine/check-sql") as Partial<EngineApi>,
  () => require("../engine/down") as Partial<EngineApi>,
  () => require("../engine/baseline") as Partial<EngineApi>,
  () => require("../engine/import-ledger") as Partial<EngineApi>,
];

export function loadEngine(): EngineApi {
  // The SQL parser is PostgreSQL compiled to WebAssembly. By default V8 recompiles its hot functions with
  // TurboFan on background threads: a short CLI run never benefits, yet waits for those compilations at exit
  // (about 0.5 s and 500 MB of memory). Baseline (Liftoff) code parses migration files fast enough.
  // Set only when the parser loads: node:v8 alone costs a run that needs no parser a few milliseconds.
  beforeParserLoads(() => {
    const { setFlagsFromString } = require("node:v8") as typeof import("node:v8");
    setFlagsFromString("--no-wasm-tier-up");
    setFlagsFromString("--no-wasm-dynamic-tiering");
  });
  return new Proxy({} as EngineApi, {
    get(_, name) {
      for (const load of engineModules) {
        const module = load();
        if (name in module) return module[name as keyof EngineApi];
      }
      return (require("../index") as EngineApi)[name as keyof EngineApi];
    },
  });
}
