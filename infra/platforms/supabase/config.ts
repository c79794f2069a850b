import { z } from "zod";

export const supabaseConnectionModes = ["direct", "session-pooler"] as const;

/**
 * Stack setting `supabase` plus the secret `supabaseDbPassword` (merged by the config loader as `password`).
 * The project exists already (created in the Supabase dashboard, CLI or Management API); the stack references it.
 */
export const supabaseSettingsSchema = z
  .strictObject({
    /** The project's reference id: the `<ref>` in https://<ref>.supabase.co (20 lower-case letters). */
    projectRef: z
      .string()
      .regex(/^[a-z]{20}$/, "must be a Supabase project ref: 20 lower-case letters, as in https://<ref>.supabase.co"),
    /** Secret `supabaseDbPassword`: the database password set when the project was created. */
    password: z
      .string({ error: "is required on platform supabase: pulumi config set --secret supabaseDbPassword <password>" })
      .min(1, "must not be empty: pulumi config set --secret supabaseDbPassword <password>"),
    /**
     * session-pooler (default): Supavisor in session mode on port 5432, reachable over IPv4, so from GitHub-hosted
     * runners, which have no IPv6.
     * direct: db.<ref>.supabase.co:5432, IPv6 only unless the project has the IPv4 add-on.
     * The transaction-mode pooler (port 6543) is not offered: migrations hold session-level advisory locks.
     */
    connection: z.enum(supabaseConnectionModes).default("session-pooler"),
    /** The project has Supabase's IPv4 add-on, so that db.<ref>.supabase.co answers over IPv4 too. */
    ipv4AddOn: z.boolean().default(false),
    /** Required for session-pooler: the host shown in the dashboard (Connect > Session pooler), e.g. aws-0-eu-central-1.pooler.supabase.com. */
    poolerHost: z
      .string()
      .regex(
        /^[a-z0-9.-]+\.pooler\.supabase\.com$/,
        "must be a Supabase pooler host such as aws-0-eu-central-1.pooler.supabase.com",
      )
      .optional(),
    /** Supabase projects have one database, `postgres`. */
    database: z.string().min(1).default("postgres"),
  })
  .superRefine((settings, ctx) => {
    if (settings.connection === "session-pooler" && settings.poolerHost === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["poolerHost"],
        message:
          "is required when supabase.connection is session-pooler (the default): copy the host from the dashboard (Connect > Session pooler), or set supabase.connection to direct on a network with IPv6",
      });
    }
  });

export type SupabaseSettingsInput = z.input<typeof supabaseSettingsSchema>;
export type SupabaseSettings = z.output<typeof supabaseSettingsSchema>;
