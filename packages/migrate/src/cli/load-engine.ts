// The engine is loaded only when a command needs it, so `--help` and usage errors stay fast
// (the engine pulls in the PostgreSQL driver and the WASM SQL parser).
import { setFlagsFromString } from "node:v8";

export type EngineApi = typeof import("../index");

/**
 * The modules a read-only command (`plan` or `status` with nothing pending) uses, which the engine's index
 * re-exports under the same names. Anything else loads the whole index (up, down, lint, the SQL parser):
 * about half the modules a CLI process would otherwise load for nothing.
 */
const readOnlyModules = [
  () => require("../files/load") as Partial<EngineApi>,
  () => require("../engine/plan") as Partial<EngineApi>,
];

export function loadEngine(): EngineApi {
  // The SQL parser is PostgreSQL compiled to WebAssembly. By default V8 recompiles its hot functions with
  // TurboFan on background threads: a short CLI run never benefits, yet waits for those compilations at exit
  // (about 0.5 s and 500 MB of memory). Baseline (Liftoff) code parses migration files fast enough.
  setFlagsFromString("--no-wasm-tier-up");
  setFlagsFromString("--no-wasm-dynamic-tiering");
  return new Proxy({} as EngineApi, {
    get(_, name) {
      for (const load of readOnlyModules) {
        const module = load();
        if (name in module) return module[name as keyof EngineApi];
      }
      return (require("../index") as EngineApi)[name as keyof EngineApi];
    },
  });
}
