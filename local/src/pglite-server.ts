// PGlite (PostgreSQL 18 compiled to WASM) with pgvector, served over TCP by pglite-socket.
import { existsSync, mkdirSync } from "node:fs";
import { announceSharedSession, connectionLine } from "./shared-session";

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
  /** Called with a line to show when a client connects (the connections share one session). */
  onConnection?: (line: string) => void;
}

async function openPglite(dataDir: string, database: string): Promise<PGliteType> {
  const [{ PGlite }, { vector }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite-pgvector"),
  ]);
  return PGlite.create({ dataDir, database, extensions: { vector } });
}

/**
 * PGlite opens one database chosen at start and fails on one that does not exist. Each open costs a PGlite boot
 * (seconds), so the application database is opened directly, and only when that fails is it created from
 * `postgres` (first run; the failed open has initialised a new data directory) and opened again.
 */
async function openApplicationDatabase(dataDir: string, database: string): Promise<PGliteType> {
  try {
    return await openPglite(dataDir, database);
  } catch (openError) {
    const bootstrap = await openPglite(dataDir, "postgres");
    try {
      const { rows } = await bootstrap.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
      // The database exists: it failed to open for another reason, which is the error to report.
      if (rows.length > 0) throw openError;
      await bootstrap.exec(`CREATE DATABASE "${database}"`);
    } finally {
      await bootstrap.close();
    }
    return openPglite(dataDir, database);
  }
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
    announceSharedSession(db);
    const server = new PGLiteSocketServer({ db, host: settings.host, port: settings.port, maxConnections: 20 });
    server.addEventListener("connection", (event) => {
      const { clientAddress, clientPort } = (event as CustomEvent<{ clientAddress: string; clientPort: number }>)
        .detail;
      settings.onConnection?.(connectionLine(`${clientAddress}:${clientPort}`, server.getStats().activeConnections));
    });
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
