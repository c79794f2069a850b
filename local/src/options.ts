// Command-line options of `npm run local`, parsed and documented by pgvector-migrate's own parser, so that its
// messages and help read like the CLI's.
import { resolve } from "node:path";
import { type CommandSpec, parseProgramOptions } from "pgvector-migrate/cli/arguments";
import { UsageError } from "pgvector-migrate/cli/exit-codes";

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

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError("use a number from 0 to 65535 (0 picks a free port)");
  return port;
}

function parseDatabaseName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new UsageError("use lower-case letters, digits and _");
  return name;
}

export const localCommand: CommandSpec & { usage: string } = {
  name: "npm run local",
  usage: "npm run local -- [options]",
  description:
    "Starts PostgreSQL with pgvector (PGlite) on this machine, applies the migrations and serves until Ctrl-C.",
  options: [
    {
      name: "port",
      value: "<n>",
      description: "TCP port; 0 picks a free port",
      default: "54329",
      env: "PGVECTOR_LOCAL_PORT",
      parse: parsePort,
    },
    { name: "host", value: "<address>", description: "address to listen on", default: "127.0.0.1" },
    {
      name: "data-dir",
      value: "<dir>",
      description: "data directory, kept between runs",
      default: ".local/pgdata",
      env: "PGVECTOR_LOCAL_DATA",
    },
    {
      name: "database",
      value: "<name>",
      description: "application database",
      default: "app",
      parse: parseDatabaseName,
    },
    { name: "dir", value: "<dir>", description: "migrations directory", default: "migrations" },
  ],
};

export { UsageError as LocalUsageError };

/** The options, or the help text to print. Throws LocalUsageError for anything malformed. */
export function parseLocalOptions(argv: readonly string[], env: NodeJS.ProcessEnv): LocalOptions | { help: string } {
  const invocation = parseProgramOptions(localCommand, argv, env);
  if (invocation.kind !== "command") return { help: invocation.text };
  const values = invocation.values;
  return {
    host: values.host as string,
    port: values.port as number,
    dataDir: resolve(values["data-dir"] as string),
    database: values.database as string,
    migrationsDir: resolve(values.dir as string),
  };
}
