// Command-line options of `npm run local`.
import { resolve } from "node:path";
import { parseArgs } from "node:util";

export interface LocalOptions {
  host: string;
  /** 0 lets the OS choose. */
  port: number;
  /** PGlite data directory; kept between runs. */
  dataDir: string;
  /** Application database created inside PGlite. */
  database: string;
  /** Migrations directory applied at start. */
  migrationsDir: string;
}

export const usage = `Usage: npm run local -- [options]

Starts PostgreSQL with pgvector (PGlite) on this machine, applies the migrations and serves until Ctrl-C.

Options:
  --port <n>        TCP port (env PGVECTOR_LOCAL_PORT, default 54329; 0 picks a free port)
  --host <address>  address to listen on (default 127.0.0.1)
  --data-dir <dir>  data directory, kept between runs (env PGVECTOR_LOCAL_DATA, default .local/pgdata)
  --database <name> application database (default app)
  --dir <dir>       migrations directory (default migrations)
  -h, --help        show this help
`;

export class LocalUsageError extends Error {}

export function parseLocalOptions(argv: readonly string[], env: NodeJS.ProcessEnv): LocalOptions | "help" {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new LocalUsageError((error as Error).message);
  }
  if (values.help) return "help";
  const portText = values.port ?? env.PGVECTOR_LOCAL_PORT ?? "54329";
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new LocalUsageError(`invalid port "${portText}": use a number from 0 to 65535`);
  }
  const database = values.database ?? "app";
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) {
    throw new LocalUsageError(`invalid database name "${database}": use lower-case letters, digits and _`);
  }
  return {
    host: values.host ?? "127.0.0.1",
    port,
    dataDir: resolve(values["data-dir"] ?? env.PGVECTOR_LOCAL_DATA ?? ".local/pgdata"),
    database,
    migrationsDir: resolve(values.dir ?? "migrations"),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "data-dir": { type: "string" },
      database: { type: "string" },
      dir: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
}
