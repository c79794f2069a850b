import * as pulumi from "@pulumi/pulumi";
import type { Platform } from "../platform";
import type { PlatformDatabase } from "../platform-database";
import type { SupabaseSettings } from "./config";
import { supabaseSection } from "./section";

export { type SupabaseSettings, supabaseConnectionModes, supabaseSettingsSchema } from "./config";
export { supabaseSection } from "./section";

/** Supabase installs extensions in this schema, not in `public`. */
export const supabaseExtensionSchema = "extensions";
/** The project's admin role, whichever login reaches it. */
export const supabaseAdminRole = "postgres";
/** The project's own server (IPv6 unless the project has the IPv4 add-on). */
export const supabaseDirectHost = (projectRef: string): string => `db.${projectRef}.supabase.co`;
/** Lets unqualified `vector` in migrations (and the app role's queries) resolve to extensions.vector. */
export const supabaseSearchPath: readonly string[] = ["public", supabaseExtensionSchema];

/**
 * An existing Supabase project, by reference. The stack creates nothing at this level: the project, its server and
 * the `postgres` database exist; the shared layer adds the `vector` extension (in `extensions`), the migrations and
 * the app role. The stack's settings databaseName and postgresVersion do not apply. The project outlives the stack,
 * so nothing is torn down with anything: destroy keeps the extension and the tables, and drops the app role.
 */
export function createSupabasePlatform(settings: SupabaseSettings): PlatformDatabase {
  const direct = settings.connection === "direct";
  const loginName = (role: string) => (direct ? role : `${role}.${settings.projectRef}`);
  return {
    platform: "supabase",
    host: direct ? supabaseDirectHost(settings.projectRef) : (settings.poolerHost as string),
    port: 5432,
    database: settings.database,
    // Supavisor tells projects apart by the user name: <role>.<ref>, for the admin and the app role alike.
    adminUser: loginName(supabaseAdminRole),
    adminRole: supabaseAdminRole,
    loginName,
    directHost: { host: supabaseDirectHost(settings.projectRef), port: 5432 },
    adminPassword: pulumi.secret(settings.password),
    sslmode: "require",
    extensionSchema: supabaseExtensionSchema,
    searchPath: supabaseSearchPath,
    extensionPrerequisites: [],
    connectivityPrerequisites: [],
    outputs: { supabaseProjectRef: settings.projectRef },
  };
}

/** The Supabase platform as the registry lists it: the project exists, so the stack's other settings do not shape it. */
export const supabasePlatform: Platform<SupabaseSettings> = {
  section: supabaseSection,
  create: (_config, settings) => createSupabasePlatform(settings),
};
