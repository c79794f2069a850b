// PGlite (PostgreSQL compiled to WASM) with pgvector, served over TCP by pglite-socket.
export interface PgvectorServer {
  /**
   * postgres://postgres:postgres@127.0.0.1:<port>/postgres?sslmode=disable. PGlite accepts any user,
   * password and database name in the startup packet and always serves its one database as `postgres`.
   */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface PgvectorServerOptions {
  /** Directory for persistent data; default in memory. */
  dataDir?: string;
  /**
   * Client connections accepted at once. They are multiplexed onto PGlite's single backend, so they share
   * session state (settings, advisory locks, temp tables); a transaction holds the backend until it ends.
   */
  maxConnections?: number;
}

/**
 * One server per test file: a PGlite instance is a single backend, never share it across files that run
 * concurrently. Start it in beforeAll and stop it in afterAll.
 */
export async function startPgvectorServer(options: PgvectorServerOptions = {}): Promise<PgvectorServer> {
  const [{ PGlite }, { vector }, { PGLiteSocketServer }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite-pgvector"),
    import("@electric-sql/pglite-socket"),
  ]);
  const db = await PGlite.create({ dataDir: options.dataDir, extensions: { vector } });
  // Port 0: the OS picks a free port at bind time, so there is no race with other servers starting.
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: 0,
    maxConnections: options.maxConnections ?? 10,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const port = Number(server.getServerConn().split(":").pop());
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    port,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
