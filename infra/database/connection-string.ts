import * as pulumi from "@pulumi/pulumi";

export interface ConnectionParts {
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  database: pulumi.Input<string>;
  user: pulumi.Input<string>;
  password: pulumi.Input<string>;
  sslmode: pulumi.Input<string>;
}

/** postgresql://user:password@host:port/database?sslmode=..., always a secret Output. */
export function connectionString(parts: ConnectionParts): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .all([parts.host, parts.port, parts.database, parts.user, parts.password, parts.sslmode])
      .apply(([host, port, database, user, password, sslmode]) => {
        const hostPart = host.includes(":") ? `[${host}]` : host;
        const credentials = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
        return `postgresql://${credentials}@${hostPart}:${port}/${encodeURIComponent(database)}?sslmode=${encodeURIComponent(sslmode)}`;
      }),
  );
}
