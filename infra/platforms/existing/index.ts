import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformDatabase } from "../types";
import { type ExistingSettings, type ExistingSslMode, resolveExistingConnection } from "./config";
import { stackScopedName } from "./naming";

export { type ExistingSettings, existingSettingsSchema, resolveExistingConnection } from "./config";
export { stackScopedName } from "./naming";

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
      const server = new postgresql.Provider(
        `${name}-server`,
        {
          host: args.host,
          port: args.port,
          username: args.user,
          password,
          sslmode: args.sslmode,
          database: args.maintenanceDatabase ?? "postgres",
          // Managed and shared servers rarely grant superuser; the provider then avoids superuser-only queries.
          superuser: false,
          connectTimeout: args.connectTimeoutSeconds ?? 15,
        },
        { parent: this },
      );
      this.database = new postgresql.Database(
        name,
        // template0: the requested encoding works whatever template1 was created with.
        { name: args.database, encoding: "UTF8", template: "template0" },
        { parent: this, provider: server, protect: args.protect ?? false },
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
    };
    this.registerOutputs({ host: args.host, port: args.port, database: this.platformDatabase.database });
  }
}

export interface StackContext {
  /** pulumi.getStack(). */
  stack: string;
  /** A per-pull-request stack: isolated, unprotected, removed with `pulumi destroy`. */
  ephemeral: boolean;
  /** Protect long-lived data resources (prod). */
  protect: boolean;
}

/** ExistingServerArgs from the validated `existing` settings: ephemeral stacks get a database of their own. */
export function existingServerArgs(settings: ExistingSettings, context: StackContext): ExistingServerArgs {
  if (context.ephemeral && !settings.createDatabase) {
    throw new Error(
      `existing.createDatabase is false, but stack "${context.stack}" is ephemeral: an ephemeral stack needs a ` +
        "database of its own on the shared server. Set existing.createDatabase to true, or ephemeral to false.",
    );
  }
  const connection = resolveExistingConnection(settings);
  return {
    host: connection.host,
    port: connection.port,
    user: connection.user,
    password: connection.password === undefined ? undefined : pulumi.secret(connection.password),
    sslmode: connection.sslmode,
    maintenanceDatabase: connection.maintenanceDatabase,
    database: context.ephemeral ? stackScopedName(settings.database, context.stack) : settings.database,
    createDatabase: settings.createDatabase,
    protect: context.protect && !context.ephemeral,
  };
}
