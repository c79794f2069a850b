// Platform contract shared by every platform module and the database layer (infra/database).
// Change log for the platforms engineer: added the optional `teardownWith` and `outputs` fields (nothing removed
// or renamed). infra/platforms/index.ts dispatches on `StackConfig.platform.name`.
import type * as pulumi from "@pulumi/pulumi";

export type PlatformName = "azure" | "neon" | "supabase" | "existing";

export const platformNames: readonly PlatformName[] = ["azure", "neon", "supabase", "existing"];

/**
 * What every platform module produces. The shared database layer (infra/database) consumes only this,
 * so it never branches on the platform.
 */
export interface PlatformDatabase {
  platform: PlatformName;
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  /** The application database, already created by the platform module. */
  database: pulumi.Input<string>;
  adminUser: pulumi.Input<string>;
  /** Always a secret Output. */
  adminPassword: pulumi.Input<string>;
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
   * branch; existing: the per-stack database). The database layer gives its resources `deletedWith` this, so
   * `pulumi destroy` drops no extension, migration or role one by one and needs no database connection.
   * Leave undefined when the database outlives the stack (an existing database the stack did not create).
   */
  teardownWith?: pulumi.Resource;
  /** Platform-specific stack outputs (e.g. Azure resource group and server name), exported as they are. */
  outputs?: Record<string, pulumi.Input<unknown>>;
}
