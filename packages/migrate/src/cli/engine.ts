// The engine is loaded only when a command needs it, so `--help` and usage errors stay fast
// (the engine pulls in the PostgreSQL driver and the WASM SQL parser).
export type EngineApi = typeof import("../index");

export function loadEngine(): EngineApi {
  return require("../index") as EngineApi;
}
