import type { Problem } from "../../config/problems";
import { structuredSection } from "../../config/structured";
import { type SupabaseSettings, supabaseSettingsSchema } from "./config";

/** How the configuration loader reads the `supabase` platform: the object `supabase` and the secret `supabaseDbPassword`. */
export const supabaseSection = structuredSection<SupabaseSettings>({
  key: "supabase",
  secrets: { password: "supabaseDbPassword" },
  schema: supabaseSettingsSchema,
  example: "projectRef abcdefghijklmnopqrst",
  docs: "docs/platforms.md#supabase",
  fieldDocs: [
    { settings: ["supabase.projectRef"], description: "required: 20 lower-case letters" },
    {
      settings: ["supabaseDbPassword"],
      secret: true,
      description: "required: the database password of the project",
    },
    {
      settings: ["supabase.connection"],
      description: "`session-pooler` (IPv4) or `direct` (IPv6, or IPv4 with the IPv4 add-on)",
    },
    {
      settings: ["supabase.poolerHost"],
      description: "required for `session-pooler`, e.g. `aws-0-eu-central-1.pooler.supabase.com`",
    },
    { settings: ["supabase.ipv4AddOn"], description: "the project has the IPv4 add-on: allows `direct` in CI" },
    { settings: ["supabase.database"], description: "" },
  ],
  check: (settings, common) => [
    ...(common.ephemeral
      ? [
          {
            setting: "ephemeral",
            message:
              "is true, but platform supabase references one existing project and cannot give each pull request an isolated database. Use Supabase branching for preview databases, or run ephemeral stacks on platform neon or existing.",
          },
        ]
      : []),
    ...directInCiProblems(settings),
  ],
});

/**
 * db.<ref>.supabase.co has only an IPv6 address without the IPv4 add-on, and GitHub-hosted runners have no IPv6:
 * in CI (CI=true, as GitHub Actions sets it) `direct` would time out at the first connection.
 */
function directInCiProblems(settings: SupabaseSettings): Problem[] {
  if (settings.connection !== "direct" || settings.ipv4AddOn || process.env.CI !== "true") return [];
  return [
    {
      setting: "supabase.connection",
      message:
        "is direct, but this runs in CI (CI=true): db.<ref>.supabase.co is IPv6-only without the IPv4 add-on, and GitHub-hosted runners have no IPv6. Use the session pooler (remove supabase.connection and set supabase.poolerHost), or set supabase.ipv4AddOn to true if the project has the IPv4 add-on.",
    },
  ];
}
