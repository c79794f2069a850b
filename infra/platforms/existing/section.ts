import type { CommonSettings } from "../../config/common";
import type { Problem } from "../../config/problems";
import { structuredSection } from "../../config/structured";
import { type ExistingSettings, existingSettingsSchema } from "./config";

/** How the configuration loader reads the `existing` platform: `existing` (object), `existingUrl`, `existingPassword`, `existingReadOnlyUrl`. */
export const existingSection = structuredSection<ExistingSettings>({
  key: "existing",
  secrets: { url: "existingUrl", password: "existingPassword", readOnlyUrl: "existingReadOnlyUrl" },
  schema: existingSettingsSchema,
  example: "host db.example.com",
  docs: "docs/platforms.md#existing-any-postgresql-you-can-reach",
  check: existingProblems,
});

function existingProblems(settings: ExistingSettings, common: CommonSettings): Problem[] {
  if (!common.ephemeral || settings.createDatabase) return [];
  return [
    {
      setting: "existing.createDatabase",
      message:
        "is false, but this stack is ephemeral: an ephemeral stack gets a database of its own on the shared server. Set existing.createDatabase to true (or ephemeral to false).",
    },
  ];
}
