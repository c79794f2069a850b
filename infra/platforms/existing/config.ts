import { connectionUrlProblem, parseConnectionUrl } from "pgvector-migrate";
import { z } from "zod";

/** sslmode values the shared database layer understands (see PlatformDatabase.sslmode). */
export const existingSslModes = ["disable", "prefer", "require", "verify-full"] as const;
export type ExistingSslMode = (typeof existingSslModes)[number];

/** The template of the databases the stack creates: the server's default, where a superuser can install vector. */
export const existingDefaultTemplate = "template1";

/**
 * Stack setting `existing` (plain) plus the secrets `existingUrl`, `existingPassword` and `existingReadOnlyUrl`, merged by the config
 * loader into one object so that the rules that span them are checked together.
 */
export const existingSettingsSchema = z
  .strictObject({
    /** Secret `existingUrl`: postgres://user:password@host:port/maintenance-db?sslmode=... */
    url: z.string().optional(),
    /**
     * Secret `existingReadOnlyUrl`: where applications send read-only queries (a replica you run), exported as it
     * is as appReadOnlyConnectionString. Unset: appReadOnlyConnectionString is appConnectionString.
     */
    readOnlyUrl: z.string().optional(),
    /** Secret `existingPassword`; omit for servers that trust local connections (the PGlite database of `npm run local`). */
    password: z.string().min(1, "must not be empty; leave it unset for servers that need no password").optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().min(1).optional(),
    /**
     * true: create the application database (setting databaseName; on ephemeral stacks with the stack name
     * appended, app_pr_123) with the postgresql provider. false: use databaseName as it is; it must exist.
     */
    createDatabase: z.boolean().default(true),
    /**
     * Template for CREATE DATABASE, always sent: the postgresql provider's own default is template0, not the
     * server's. template1 lets extensions a superuser installed there, such as vector (not a trusted extension, so
     * a non-superuser admin cannot create it), come with every database the stack creates. template0 when
     * template1 has another encoding.
     */
    template: z.string().min(1).default(existingDefaultTemplate),
    /** Where to connect to run CREATE DATABASE. Default: the URL's database, else `postgres`. */
    maintenanceDatabase: z.string().min(1).optional(),
    sslmode: z.enum(existingSslModes).optional(),
  })
  .superRefine((settings, ctx) => {
    if (settings.readOnlyUrl !== undefined) {
      const problem = urlProblem(settings.readOnlyUrl);
      if (problem) ctx.addIssue({ code: "custom", path: ["readOnlyUrl"], message: problem });
    }
    if (settings.url !== undefined) {
      const problem = urlProblem(settings.url);
      // The message never repeats the URL: it holds the password.
      if (problem) ctx.addIssue({ code: "custom", path: ["url"], message: problem });
    } else {
      for (const key of ["host", "user"] as const) {
        if (settings[key] === undefined) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `is required when the secret existingUrl is not set (set existing.${key}, or set existingUrl to a postgres:// URL)`,
          });
        }
      }
    }
  });

export type ExistingSettingsInput = z.input<typeof existingSettingsSchema>;
export type ExistingSettings = z.output<typeof existingSettingsSchema>;

function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a valid URL; expected postgres://user:password@host:port/database";
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    return `has scheme "${parsed.protocol}"; expected postgres:// or postgresql://`;
  }
  // The engine's rules, so that a password that needs percent-encoding is refused here, not read as a host.
  const unreadable = connectionUrlProblem(url);
  if (unreadable) return `cannot be read: ${unreadable}`;
  if (parsed.hostname === "") return "has no host; expected postgres://user:password@host:port/database";
  const sslmode = parsed.searchParams.get("sslmode");
  if (sslmode !== null && !(existingSslModes as readonly string[]).includes(sslmode)) {
    return `has sslmode=${sslmode}; accepted: ${existingSslModes.join(", ")}`;
  }
  return undefined;
}

/** Where and as whom the platform connects, after merging the URL with the discrete settings. */
export interface ExistingConnection {
  host: string;
  port: number;
  user: string;
  /** undefined: the server needs no password. */
  password?: string;
  maintenanceDatabase: string;
  sslmode: ExistingSslMode;
}

/**
 * Merges `existingUrl` with the discrete settings; discrete settings win, as in pgvector-migrate's
 * ConnectionOptions. Expects settings that passed existingSettingsSchema.
 */
export function resolveExistingConnection(settings: ExistingSettings): ExistingConnection {
  // The engine's parser: the same reading of the URL as the migrations get (an unencoded "%" or space included).
  const url = settings.url === undefined ? undefined : parseConnectionUrl(settings.url);
  const host = settings.host ?? url?.host;
  const user = settings.user ?? url?.user;
  if (host === undefined || user === undefined) {
    throw new Error("existing: host and user are required (set existingUrl, or existing.host and existing.user)");
  }
  return {
    host,
    port: settings.port ?? (url?.port ? Number(url.port) : 5432),
    user,
    password: settings.password ?? url?.password,
    maintenanceDatabase: settings.maintenanceDatabase ?? (url?.database || "postgres"),
    sslmode: settings.sslmode ?? (url?.parameters.get("sslmode") as ExistingSslMode | undefined) ?? "require",
  };
}
