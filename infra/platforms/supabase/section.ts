import { structuredSection } from "../../config/structured";
import { type SupabaseSettings, supabaseSettingsSchema } from "./config";

/** How the configuration loader reads the `supabase` platform: the object `supabase` and the secret `supabaseDbPassword`. */
export const supabaseSection = structuredSection<SupabaseSettings>({
  key: "supabase",
  secrets: { password: "supabaseDbPassword" },
  schema: supabaseSettingsSchema,
  example: "projectRef abcdefghijklmnopqrst",
  docs: "docs/platforms.md#supabase",
  check: (_settings, common) =>
    common.ephemeral
      ? [
          {
            setting: "ephemeral",
            message:
              "is true, but platform supabase references one existing project and cannot give each pull request an isolated database. Use Supabase branching for preview databases, or run ephemeral stacks on platform neon or existing.",
          },
        ]
      : [],
});
