import * as pulumi from "@pulumi/pulumi";
import type { MigrationsConnection } from "../migrations";

/** postgresql://user:password@host:port/database?sslmode=..., always a secret Output. */
export function connectionString(connection: MigrationsConnection): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .all([
        connection.host,
        connection.port,
        connection.database,
        connection.user,
        connection.password,
        connection.sslmode,
      ])
      .apply(([host, port, database, user, password, sslmode]) => {
        const hostPart = host.includes(":") ? `[${host}]` : host;
        const credentials = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
        return `postgresql://${credentials}@${hostPart}:${port}/${encodeURIComponent(database)}?sslmode=${encodeURIComponent(sslmode)}`;
      }),
  );
}
