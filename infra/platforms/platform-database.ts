// Platform contract shared by every platform module and the database layer (infra/database).
// infra/platforms/registry.ts dispatches on `StackConfig.platform.name`.
import type * as pulumi from "@pulumi/pulumi";
import type { PlatformName } from "../config/platform-names";

export type { PlatformName } from "../config/platform-names";

/**
 * What every platform module produces. The shared database layer (infra/database) consumes only this,
 * so it never branches on the platform.
 */
export interface PlatformDatabase {
  platform: PlatformName;
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  /**
   * The port applications should connect to when it is not `port`: a pooler in front of the server (Azure's built-in
   * PgBouncer, 6432). The stack's own connections (extensions, migrations, roles) stay on `port`.
   */
  applicationPort?: number;
  /** The application database, already created by the platform module. */
  database: pulumi.Input<string>;
  /** The login name of the admin, who runs the migrations and owns what they create. */
  adminUser: pulumi.Input<string>;
  /**
   * The admin's role inside PostgreSQL when it differs from the login name: Supabase's session pooler takes the
   * login `postgres.<ref>` for the role `postgres`. Default: adminUser.
   */
  adminRole?: pulumi.Input<string>;
  /** Always a secret Output. */
  adminPassword: pulumi.Input<string>;
  /**
   * The login name of a role on the route the stack connects through: Supabase's pooler takes `<role>.<ref>`.
   * Default: the role name.
   */
  loginName?: (role: string) => string;
  /**
   * Where the application connects by default when it is not `host`: Neon's pooled host (`ep-...-pooler...`),
   * which serverless applications need. Default: host.
   */
  appHost?: pulumi.Input<string>;
  /**
   * The server itself when `host` is a pooler in front of it (Supabase's db.<ref>.supabase.co): role names log in
   * there as they are. Default: host and port.
   */
  directHost?: { host: pulumi.Input<string>; port: pulumi.Input<number> };
  sslmode: "require" | "verify-full" | "disable" | "prefer";
  /** Schema for CREATE EXTENSION (Supabase: "extensions"); undefined means the server default. */
  extensionSchema?: string;
  /** search_path the migrations need so the `vector` type resolves (Supabase: ["public", "extensions"]). */
  searchPath?: readonly string[];
  /** Resources that must exist before CREATE EXTENSION (Azure: the azure.extensions Configuration). */
  extensionPrerequisites: pulumi.Resource[];
  /** Resources that must exist for clients to connect (firewall rules); the postgresql Provider depends on them. */
  connectivityPrerequisites: pulumi.Resource[];
  /** The resource that creates the database; everything inside the database depends on it. */
  databaseResource?: pulumi.Resource;
  /**
   * The resource whose deletion takes everything inside the database with it (Azure: the server; Neon: the
   * database or the branch; existing: the database the stack created). The database layer gives the extensions,
   * the migrations and the grants `deletedWith` this, so `pulumi destroy` does not drop them one by one.
   * Undefined when the database outlives the stack (Supabase, an existing database the stack did not create): the
   * extensions are then retained on destroy, and the grants revoked one by one.
   */
  teardownWith?: pulumi.Resource;
  /**
   * The resource whose deletion removes the server's roles (Azure: the server; Neon: the project or the branch,
   * which hold the roles). Roles are server-wide: they outlive a dropped database, so this is never the database.
   * Undefined when the server outlives the stack (existing, Supabase): the application role is then dropped over a
   * connection to the application database on destroy (the provider's REASSIGN OWNED, DROP OWNED, DROP ROLE).
   */
  roleTeardownWith?: pulumi.Resource;
  /**
   * Where applications send read-only queries, when the platform has a read endpoint (a Neon read-only compute,
   * Azure's read-only virtual endpoint). The application role connects there with its own credentials: roles are
   * part of what a replica copies. Undefined: no read endpoint, and appReadOnlyConnectionString is the primary's.
   */
  readEndpoint?: { host: pulumi.Input<string>; port?: pulumi.Input<number> };
  /**
   * A read-only connection string given as a setting (existing: existingReadOnlyUrl), exported as it is; wins over
   * readEndpoint. Always a secret Output.
   */
  readOnlyConnectionString?: pulumi.Input<string>;
  /**
   * The database is a Citus cluster (an Azure elastic cluster): `host`/`port` reach the coordinator, where the
   * migrations run, and the migration lint flags vector tables the migrations never distribute.
   */
  cluster?: boolean;
  /** Platform-specific stack outputs (e.g. Azure resource group and server name), exported as they are. */
  outputs?: Record<string, pulumi.Input<unknown>>;
}
