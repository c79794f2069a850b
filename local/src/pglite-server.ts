// PGlite (PostgreSQL 18 compiled to WASM) with pgvector, served over TCP by pglite-socket.
import { existsSync, mkdirSync } from "node:fs";

// pglite is ESM: its types are imported in import mode (this package compiles to CommonJS).
type PGliteType = import("@electric-sql/pglite", { with: { "resolution-mode": "import" }}).PGlite;

export interface RunningServer {
  /** Connection URL; PGlite accepts any user and password, the URL uses postgres/postgres. */
  url: string;
  port: number;
  /** Stops accepting connections and closes PGlite, flushing its data to disk. */
  stop(): Promise<void>;
}

export interface ServerSettings {
  host: string;
  port: number;
  dataDir: string;
  database: string;
}

async function openPglite(dataDir: string, database: string): Promise<PGliteType> {
  const [{ PGlite }, { vector }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite-pgvector"),
  ]);
  return PGlite.create({ dataDir, database, extensions: { vector } });
}

/**
 * PGlite opens one database chosen at start and fails on one that does not exist: create the application
 * database from `postgres` first (once), then reopen on it.
 */
async function openApplicationDatabase(dataDir: string, database: string): Promise<PGliteType> {
  const bootstrap = await openPglite(dataDir, "postgres");
  try {
    const { rows } = await bootstrap.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rows.length === 0) await bootstrap.exec(`CREATE DATABASE "${database}"`);
  } finally {
    await bootstrap.close();
  }
  return openPglite(dataDir, database);
}

export async function startServer(settings: ServerSettings): Promise<RunningServer> {
  if (!existsSync(settings.dataDir)) mkdirSync(settings.dataDir, { recursive: true });
  const db =
    settings.database === "postgres"
      ? await openPglite(settings.dataDir, "postgres")
      : await openApplicationDatabase(settings.dataDir, settings.database);
  try {
    await db.exec("CREATE EXTENSION IF NOT EXISTS vector");
    const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
    // Several client connections share PGlite's single backend (a multiplexer serialises them).
    const server = new PGLiteSocketServer({ db, host: settings.host, port: settings.port, maxConnections: 20 });
    await server.start().catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        throw new Error(
          `port ${settings.port} on ${settings.host} is already in use (another \`npm run local\`?): pass --port <n>`,
        );
      }
      throw error;
    });
    const port = Number(server.getServerConn().split(":").pop());
    const reachableHost = settings.host === "0.0.0.0" ? "127.0.0.1" : settings.host === "::" ? "::1" : settings.host;
    const host = reachableHost.includes(":") ? `[${reachableHost}]` : reachableHost;
    return {
      url: `postgres://postgres:postgres@${host}:${port}/${settings.database}?sslmode=disable`,
      port,
      stop: async () => {
        await server.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
