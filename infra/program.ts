import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config/load";
import { PgvectorDatabase } from "./database";
import { createPlatform } from "./platforms";

/** The stack outputs: connection details, with the connection strings as secrets. */
export type StackOutputs = Record<string, pulumi.Input<unknown>>;

/** The whole stack for a validated configuration: the platform's server part, then the shared database layer. */
export function createStack(config: StackConfig): StackOutputs {
  const platform = createPlatform(config);
  const database = new PgvectorDatabase("pgvector", {
    platform,
    extensions: config.extensions,
    // migrationsDirectory and the Migrations resource both take paths relative to the project directory (Pulumi.yaml).
    migrations: config.migrations,
    appRole: config.appRole,
    connectTimeoutSeconds: config.connectTimeoutSeconds,
  });
  return {
    platform: platform.platform,
    host: platform.host,
    port: platform.port,
    database: platform.database,
    sslmode: platform.sslmode,
    adminUser: platform.adminUser,
    adminConnectionString: database.adminConnectionString,
    appUser: database.appRole.roleName,
    appConnectionString: database.appConnectionString,
    appDirectConnectionString: database.appDirectConnectionString,
    appReadOnlyConnectionString: database.appReadOnlyConnectionString,
    appReadOnlyTarget: database.appReadOnlyTarget,
    extensions: config.extensions,
    latestMigration: database.migrations.latestMigration,
    ...platform.outputs,
  };
}
