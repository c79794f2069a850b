export { type CliResult, cliBin, type RunCliOptions, repoRoot, runCli } from "./cli";
export { createNativeDatabase, type NativeDatabase, nativeAdminUrl, urlForDatabase, withAdminClient } from "./native";
export { type PgvectorServer, type PgvectorServerOptions, startPgvectorServer } from "./pgvector";
export { freePort } from "./ports";
export { collectOutput, type ProcessResult, runProcess } from "./process";
export { type StallingProxy, type StallingProxyOptions, startStallingProxy } from "./stalling-proxy";
