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
  fieldDocs: [
    {
      settings: ["existingUrl"],
      secret: true,
      description:
        "`postgres://user:password@host:port/database?sslmode=...`; its database is where `CREATE DATABASE` runs. Percent-encode `/ ? # @ %` and spaces in the password ([rules](migrations.md#connections))",
    },
    {
      settings: ["existingReadOnlyUrl"],
      secret: true,
      description: "a replica you run: exported as it is as `appReadOnlyConnectionString`; checked like `existingUrl`",
    },
    {
      settings: ["existingPassword"],
      secret: true,
      default: "the URL's",
      description: "omit for a server that asks for none (trust authentication, `npm run local`)",
    },
    {
      settings: ["existing.host", "existing.port", "existing.user"],
      default: "the URL's; port 5432",
      description: "required without `existingUrl`; they override the URL's parts",
    },
    {
      settings: ["existing.sslmode"],
      default: "the URL's, else `require`",
      description: "`disable`, `prefer`, `require` or `verify-full`",
    },
    {
      settings: ["existing.createDatabase"],
      description: "`true`: create `databaseName` (owned by the admin user); `false`: use it as it is, it must exist",
    },
    {
      settings: ["existing.maintenanceDatabase"],
      default: "the URL's, else `postgres`",
      description: "where `CREATE DATABASE` runs",
    },
    {
      settings: ["existing.template"],
      description:
        "template of the new database, always sent (the postgresql provider's own default is `template0`, which lacks what a superuser installed in `template1`); `template0` if `template1` has another encoding. Changing it later never replaces an existing database",
    },
  ],
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
