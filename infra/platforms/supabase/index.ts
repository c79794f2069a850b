import * as pulumi from "@pulumi/pulumi";
import type { StackContext } from "../existing";
import type { PlatformDatabase } from "../types";
import type { SupabaseSettings } from "./config";

export { type SupabaseSettings, supabaseConnectionModes, supabaseSettingsSchema } from "./config";

/** Supabase installs extensions in this schema, not in `public`. */
export const supabaseExtensionSchema = "extensions";
/** Lets unqualified `vector` in migrations resolve to extensions.vector. */
export const supabaseSearchPath = ["public", supabaseExtensionSchema] as const;

/**
 * An existing Supabase project, by reference. The stack creates nothing here: the project, its server and the
 * `postgres` database exist; the shared layer adds the `vector` extension (in `extensions`), migrations and app role.
 */
export function supabaseProjectDatabase(settings: SupabaseSettings, context: StackContext): PlatformDatabase {
  if (context.ephemeral) {
    throw new Error(
      `Stack "${context.stack}" is ephemeral, but platform supabase references one existing project and cannot give ` +
        "each pull request an isolated database. Use Supabase branching for preview databases, or run ephemeral " +
        "stacks with platform neon or existing.",
    );
  }
  const direct = settings.connection === "direct";
  return {
    platform: "supabase",
    host: direct ? `db.${settings.projectRef}.supabase.co` : (settings.poolerHost as string),
    port: 5432,
    database: settings.database,
    // Supavisor routes by user name: postgres.<ref>.
    adminUser: direct ? "postgres" : `postgres.${settings.projectRef}`,
    adminPassword: pulumi.secret(settings.password),
    sslmode: "require",
    extensionSchema: supabaseExtensionSchema,
    searchPath: supabaseSearchPath,
    extensionPrerequisites: [],
    connectivityPrerequisites: [],
  };
}
