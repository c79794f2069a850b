import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { MigrationOptions, Platform } from "pgvector-migrate";
import { migrationOptionSettings } from "../config/common";
import type { StackMigrationOptions } from "../config/load";
import { Migrations, type MigrationsConnection } from "../migrations";
import type { PlatformDatabase, PlatformName } from "../platforms/platform-database";
import { AppRole, type AppRoleAccess } from "./app-role";
import { connectionString } from "./connection-string";
import { postgresqlProvider } from "./provider";

export interface PgvectorDatabaseArgs {
  /** The server part: where to connect and what to wait for. */
  platform: PlatformDatabase;
  /** Extensions to create before the migrations; include "vector". Lower-case names. */
  extensions: readonly string[];
  /** The stack's migration options (StackConfig.migrations), passed through; the platform supplies the rest. */
  migrations: StackMigrationOptions & Partial<Pick<MigrationOptions, "onDelete">>;
  appRole: { name: string; access: AppRoleAccess; schemas: readonly string[] };
  /** Per connection attempt of the postgresql provider. Default 15. */
  connectTimeoutSeconds?: number;
}

export type ReadOnlyTarget = "read-endpoint" | "primary";

const migrationPlatform: Record<PlatformName, Platform> = {
  azure: "azure",
  neon: "neon",
  supabase: "supabase",
  existing: "generic",
};

/**
 * Everything inside the database, on any platform, in this order: a postgresql provider (after the
 * connectivity prerequisites), the extensions (after the platform's allow-listing), the migrations (after the
 * extensions), and a least-privilege application role (after the migrations).
 *
 * On destroy, what dies with the platform's database (`teardownWith`) or server (`roleTeardownWith`) is not
 * removed one by one. In a database the stack did not create, the extensions stay (the tables of the migrations,
 * which also stay, depend on them), and the application role is dropped after its grants are revoked.
 */
export class PgvectorDatabase extends pulumi.ComponentResource {
  readonly provider: postgresql.Provider;
  /** By extension name. */
  readonly extensions: Record<string, postgresql.Extension>;
  readonly migrations: Migrations;
  readonly appRole: AppRole;
  /** Secret. */
  readonly adminConnectionString: pulumi.Output<string>;
  /** Secret. The application's default route: the platform's pooler where it has one (Neon, Supabase, Azure's PgBouncer). */
  readonly appConnectionString: pulumi.Output<string>;
  /** Secret. The server itself, as the bare role: for sessions a pooler cannot keep (LISTEN, advisory locks). */
  readonly appDirectConnectionString: pulumi.Output<string>;
  /**
   * Secret. Where the application sends read-only queries: the platform's read endpoint, or, on a platform without
   * one, the same as appConnectionString (so applications can always split reads from writes).
   */
  readonly appReadOnlyConnectionString: pulumi.Output<string>;
  /** "read-endpoint" when appReadOnlyConnectionString goes to a replica or read-only compute, else "primary". */
  readonly appReadOnlyTarget: ReadOnlyTarget;

  constructor(name: string, args: PgvectorDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgvector:database:PgvectorDatabase", name, {}, opts);
    const platform = args.platform;
    const deletedWith = platform.teardownWith;

    this.provider = postgresqlProvider(
      `${name}-provider`,
      {
        host: platform.host,
        port: platform.port,
        database: platform.database,
        username: platform.adminUser,
        databaseUsername: platform.adminRole,
        password: platform.adminPassword,
        sslmode: platform.sslmode,
        connectTimeoutSeconds: args.connectTimeoutSeconds,
      },
      // Keeps the firewall rules until everything that connects through them is gone on destroy, too.
      { parent: this, dependsOn: platform.connectivityPrerequisites },
    );
    const inDatabase = { parent: this, provider: this.provider, deletedWith };

    this.extensions = {};
    for (const extension of args.extensions) {
      this.extensions[extension] = new postgresql.Extension(
        `${name}-extension-${extension}`,
        { name: extension, database: platform.database, schema: platform.extensionSchema },
        {
          ...inDatabase,
          // DROP EXTENSION would fail (the migrated tables use its types), and the database is not the stack's.
          retainOnDelete: deletedWith === undefined,
          dependsOn: [
            ...platform.extensionPrerequisites,
            ...(platform.databaseResource ? [platform.databaseResource] : []),
          ],
        },
      );
    }

    const admin: MigrationsConnection = {
      host: platform.host,
      port: platform.port,
      database: platform.database,
      user: platform.adminUser,
      password: platform.adminPassword,
      sslmode: platform.sslmode,
    };
    this.migrations = new Migrations(
      `${name}-migrations`,
      {
        ...args.migrations,
        // The stack's users set these options through stack settings: the resource's advice names those.
        settingNames: migrationOptionSettings,
        connection: admin,
        cluster: platform.cluster,
        platform: migrationPlatform[platform.platform],
        // The stack's migrationsSearchPath, else the platform's.
        searchPath: args.migrations.searchPath ?? (platform.searchPath ? [...platform.searchPath] : undefined),
        requiredExtensions: [...args.extensions],
      },
      { parent: this, deletedWith, dependsOn: Object.values(this.extensions) },
    );

    this.appRole = new AppRole(
      `${name}-app-role`,
      {
        provider: this.provider,
        database: platform.database,
        name: args.appRole.name,
        access: args.appRole.access,
        schemas: args.appRole.schemas,
        // vector's type and operators, where the platform keeps extensions outside the app's schemas (Supabase).
        usageSchemas:
          platform.extensionSchema && !args.appRole.schemas.includes(platform.extensionSchema)
            ? [platform.extensionSchema]
            : [],
        owner: platform.adminRole ?? platform.adminUser,
        searchPath: platform.searchPath,
        dependsOn: [this.migrations],
        roleDeletedWith: platform.roleTeardownWith,
        grantsDeletedWith: deletedWith ?? platform.roleTeardownWith,
        // The database goes with the stack's own resource exactly when it is the stack's.
        restrictPublicSchema: deletedWith !== undefined,
      },
      { parent: this },
    );

    this.adminConnectionString = connectionString(admin);
    const app = { ...admin, password: this.appRole.password };
    const loginName = platform.loginName ?? ((role: string) => role);
    this.appConnectionString = connectionString({
      ...app,
      host: platform.appHost ?? platform.host,
      port: platform.applicationPort ?? platform.port,
      user: this.appRole.roleName.apply(loginName),
    });
    this.appDirectConnectionString = connectionString({
      ...app,
      host: platform.directHost?.host ?? platform.host,
      port: platform.directHost?.port ?? platform.port,
      user: this.appRole.roleName,
    });
    const readEndpoint = platform.readEndpoint;
    this.appReadOnlyConnectionString =
      platform.readOnlyConnectionString !== undefined
        ? pulumi.secret(platform.readOnlyConnectionString)
        : readEndpoint
          ? connectionString({
              ...app,
              host: readEndpoint.host,
              port: readEndpoint.port ?? platform.applicationPort ?? platform.port,
              user: this.appRole.roleName.apply(loginName),
            })
          : this.appConnectionString;
    this.appReadOnlyTarget =
      platform.readOnlyConnectionString !== undefined || readEndpoint ? "read-endpoint" : "primary";
    this.registerOutputs({
      latestMigration: this.migrations.latestMigration,
      appRoleName: this.appRole.roleName,
    });
  }
}
