import * as postgresql from "@pulumi/postgresql";
import type * as pulumi from "@pulumi/pulumi";

export const defaultConnectTimeoutSeconds = 15;

export interface PostgresqlConnection {
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  database: pulumi.Input<string>;
  username: pulumi.Input<string>;
  /** Keep it a secret Output. */
  password: pulumi.Input<string>;
  sslmode: pulumi.Input<string>;
  /**
   * The role behind `username` when the two differ (Supabase's session pooler). The provider writes it where SQL
   * names the connected role, e.g. `REASSIGN OWNED BY <dropped role> TO <it>` when it drops a role.
   */
  databaseUsername?: pulumi.Input<string>;
  /** Per connection attempt. Default 15. */
  connectTimeoutSeconds?: number;
}

/** A @pulumi/postgresql provider as every part of the stack uses it. */
export function postgresqlProvider(
  name: string,
  connection: PostgresqlConnection,
  opts?: pulumi.CustomResourceOptions,
): postgresql.Provider {
  return new postgresql.Provider(
    name,
    {
      host: connection.host,
      port: connection.port,
      database: connection.database,
      username: connection.username,
      databaseUsername: connection.databaseUsername,
      password: connection.password,
      sslmode: connection.sslmode,
      // Managed and shared servers never hand out superuser; the provider then avoids superuser-only statements.
      superuser: false,
      connectTimeout: connection.connectTimeoutSeconds ?? defaultConnectTimeoutSeconds,
    },
    opts,
  );
}
