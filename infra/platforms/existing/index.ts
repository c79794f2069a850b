import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/load";
import { stackScopedName } from "../../config/naming";
import { postgresqlProvider } from "../../database/provider";
import type { Platform } from "../platform";
import type { PlatformDatabase } from "../platform-database";
import { type ExistingSettings, type ExistingSslMode, resolveExistingConnection } from "./config";
import { existingSection } from "./section";

export { type ExistingSettings, existingSettingsSchema, resolveExistingConnection } from "./config";
export { existingSection } from "./section";

export interface ExistingServerArgs {
  host: string;
  port: number;
  /** The admin: owns the application database and runs the migrations. */
  user: string;
  /** Made secret here if it is not already; omit for servers that need no password. */
  password?: pulumi.Input<string>;
  sslmode: ExistingSslMode;
  /** The application database. */
  database: string;
  /** true: create `database` (connecting to `maintenanceDatabase`); false: it must exist already. */
  createDatabase: boolean;
  /** Default `postgres`. */
  maintenanceDatabase?: string;
  /** Template for CREATE DATABASE (the settings default it to template1; the provider's default is template0). */
  template: string;
  /** A read-only connection string (a replica), exported as it is; made secret here. */
  readOnlyConnectionString?: pulumi.Input<string>;
  /** protect the created database from `pulumi destroy` (prod). */
  protect?: boolean;
  /** Seconds per connection attempt of the postgresql provider. Default 15. */
  connectTimeoutSeconds?: number;
}

/**
 * A PostgreSQL server the stack does not manage (self-hosted, another cloud, the local database): the stack only
 * creates its application database there, or uses one that exists.
 */
export class ExistingServer extends pulumi.ComponentResource {
  /** Present when the component created the database. */
  readonly database?: postgresql.Database;
  readonly platformDatabase: PlatformDatabase;

  constructor(name: string, args: ExistingServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgvector:platform:ExistingServer", name, {}, opts);
    const password = pulumi.secret(args.password ?? "");

    if (args.createDatabase) {
      const server = postgresqlProvider(
        `${name}-server`,
        {
          host: args.host,
          port: args.port,
          username: args.user,
          password,
          sslmode: args.sslmode,
          database: args.maintenanceDatabase ?? "postgres",
          connectTimeoutSeconds: args.connectTimeoutSeconds,
        },
        { parent: this },
      );
      this.database = new postgresql.Database(
        name,
        { name: args.database, encoding: "UTF8", template: args.template },
        // The template only matters at creation, and the provider replaces the database when it changes: a
        // database created before the template was sent (recorded as template0) is kept as it is.
        { parent: this, provider: server, protect: args.protect ?? false, ignoreChanges: ["template"] },
      );
    }

    this.platformDatabase = {
      platform: "existing",
      host: args.host,
      port: args.port,
      database: this.database ? this.database.name : args.database,
      adminUser: args.user,
      adminPassword: password,
      sslmode: args.sslmode,
      extensionPrerequisites: [],
      connectivityPrerequisites: [],
      databaseResource: this.database,
      ...(args.readOnlyConnectionString !== undefined && {
        readOnlyConnectionString: pulumi.secret(args.readOnlyConnectionString),
      }),
      // Dropping the stack's own database takes the extension, tables and grants with it; a database the stack
      // did not create outlives it. Roles outlive both (they are server-wide): roleTeardownWith stays undefined.
      teardownWith: this.database,
    };
    this.registerOutputs({ host: args.host, port: args.port, database: this.platformDatabase.database });
  }
}

/** ExistingServerArgs from the validated settings: an ephemeral stack gets a database of its own (app_pr_123). */
export function existingServerArgs(config: StackConfig, settings: ExistingSettings): ExistingServerArgs {
  const connection = resolveExistingConnection(settings);
  return {
    host: connection.host,
    port: connection.port,
    user: connection.user,
    password: connection.password === undefined ? undefined : pulumi.secret(connection.password),
    sslmode: connection.sslmode,
    maintenanceDatabase: connection.maintenanceDatabase,
    template: settings.template,
    database: config.ephemeral ? stackScopedName(config.databaseName, config.stack) : config.databaseName,
    createDatabase: settings.createDatabase,
    ...(settings.readOnlyUrl !== undefined && { readOnlyConnectionString: pulumi.secret(settings.readOnlyUrl) }),
    protect: config.protect,
    connectTimeoutSeconds: config.connectTimeoutSeconds,
  };
}

/** The existing platform: the stack's application database on a server it does not manage. */
export function createExistingPlatform(
  config: StackConfig,
  settings: ExistingSettings,
  opts?: pulumi.ComponentResourceOptions,
): PlatformDatabase {
  return new ExistingServer("existing", existingServerArgs(config, settings), opts).platformDatabase;
}

/** The existing platform as the registry lists it. */
export const existingPlatform: Platform<ExistingSettings> = {
  section: existingSection,
  create: createExistingPlatform,
};
