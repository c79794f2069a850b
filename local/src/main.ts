// `npm run local`: PostgreSQL with pgvector on this machine, no cloud account and no install beyond npm ci.
import { existsSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import type { EngineOptions, MigrationSet, UpResult } from "pgvector-migrate";
import { lockDataDir } from "./data-dir-lock";
import { type LocalOptions, LocalUsageError, parseLocalOptions } from "./options";
import { type RunningServer, startServer } from "./pglite-server";
import { sharedSessionHint, sharedSessionMessage } from "./shared-session";

interface Engine {
  loadMigrations(directory: string): MigrationSet;
  up(set: MigrationSet, options: EngineOptions): Promise<UpResult>;
}

function display(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere === "" ? "." : fromHere.startsWith("..") || isAbsolute(fromHere) ? path : fromHere;
}

async function applyMigrations(options: LocalOptions, url: string): Promise<UpResult | undefined> {
  if (!existsSync(options.migrationsDir)) {
    process.stderr.write(`No migrations directory at ${display(options.migrationsDir)}: nothing to apply\n`);
    return undefined;
  }
  const engine = require("pgvector-migrate") as Engine;
  const set = engine.loadMigrations(options.migrationsDir);
  return engine.up(set, {
    connection: { url, applicationName: "pgvector-local" },
    logger: { info: () => undefined, warn: (message) => process.stderr.write(`warning: ${message}\n`) },
  });
}

interface ShutdownSignal {
  /** The signal, once one arrived. */
  received?: NodeJS.Signals;
  promise: Promise<NodeJS.Signals>;
}

/**
 * Listens for Ctrl-C and SIGTERM from the start: without a listener Node dies at once, skipping the PGlite close
 * that flushes the data, so a signal during start-up (or just after the URL is printed) would lose data.
 */
function listenForShutdown(): ShutdownSignal {
  const shutdown: Partial<ShutdownSignal> = {};
  shutdown.promise = new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      shutdown.received ??= signal;
      resolve(signal);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return shutdown as ShutdownSignal;
}

async function run(options: LocalOptions): Promise<number> {
  const shutdown = listenForShutdown();
  const release = lockDataDir(options.dataDir);
  let server: RunningServer | undefined;
  try {
    let serving = false;
    // The engine's own connection at start-up is not announced: only clients of the running server are.
    server = await startServer({
      ...options,
      onConnection: (line) => {
        if (serving) process.stderr.write(`${line}\n`);
      },
    });
    const result = await applyMigrations(options, server.url);
    for (const applied of result?.applied ?? []) {
      process.stderr.write(`Applied ${applied.id} (${applied.durationMs} ms)\n`);
    }
    if (shutdown.received === undefined) {
      process.stdout.write(`DATABASE_URL=${server.url}\n`);
      process.stdout.write(
        `PostgreSQL with pgvector (PGlite) on port ${server.port}, database ${options.database}, data in ${display(options.dataDir)}\n` +
          `Migrations: ${result?.applied.length ?? 0} applied now, ${result?.state.length ?? 0} in total, 0 pending. Ctrl-C stops the server.\n`,
      );
      process.stderr.write(`Note: ${sharedSessionMessage}. ${sharedSessionHint}\n`);
      serving = true;
    }
    const signal = await shutdown.promise;
    process.stderr.write(`${signal}: stopping, flushing data to ${display(options.dataDir)}\n`);
    return 0;
  } finally {
    await server?.stop();
    release();
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: LocalOptions | { help: string };
  try {
    options = parseLocalOptions(argv, process.env);
  } catch (error) {
    if (!(error instanceof LocalUsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n(run npm run local -- --help for usage)\n`);
    return 2;
  }
  if ("help" in options) {
    process.stdout.write(options.help);
    return 0;
  }
  try {
    return await run(options);
  } catch (error) {
    process.stderr.write(`npm run local: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
