import { type ExistingSettings, existingSettingsSchema } from "../platforms/existing/config";
import type { PlatformName } from "../platforms/types";
import type { CommonSettings } from "./common";
import { type Parsed, type Problem, problemsFromZod, settingPath } from "./problems";
import type { Setting } from "./setting";
import type { ConfigSource } from "./source";
import { type AzureSettings, azureSettings, locationSetting, parseAzureSettings } from "../platforms/azure/config";

/**
 * How the configuration loader reads one platform's settings. Add a platform by adding its section to
 * `platformSections` (and its case to infra/platforms/index.ts).
 */
export interface PlatformSection<T> {
  /** Flat settings that Pulumi.yaml declares for this platform (a test checks Pulumi.yaml against them). */
  settings: Record<string, Setting<unknown>>;
  /** Other keys the platform reads: structured settings and secrets, which Pulumi.yaml cannot declare. */
  otherKeys: readonly string[];
  /** Keys that hold secrets: they must be set with `--secret` and their values never appear in messages. */
  secretKeys: readonly string[];
  /** Validates the platform's settings; `common` has passed validation already. */
  parse(source: ConfigSource, common: CommonSettings): Parsed<T>;
}

const azureSection: PlatformSection<AzureSettings> = {
  settings: azureSettings,
  otherKeys: [locationSetting],
  secretKeys: [],
  parse: parseAzureSettings,
};

/**
 * The `existing` platform: the structured setting `existing` (plain) merged with the secrets `existingUrl` and
 * `existingPassword` into the object existingSettingsSchema validates.
 */
const existingSection: PlatformSection<ExistingSettings> = {
  settings: {},
  otherKeys: ["existing", "existingUrl", "existingPassword"],
  secretKeys: ["existingUrl", "existingPassword"],
  parse(source) {
    const secrets: Record<string, string> = { url: "existingUrl", password: "existingPassword" };
    const problems: Problem[] = [];
    let plain: Record<string, unknown> = {};
    const rawObject = source.get("existing");
    if (rawObject !== undefined) {
      const parsed = parseJsonObject(rawObject);
      if (parsed === undefined) {
        problems.push({
          setting: "existing",
          message: "is not an object; set its fields with `pulumi config set --path existing.host db.example.com`.",
        });
      } else {
        plain = parsed;
      }
    }
    for (const [field, secretKey] of Object.entries(secrets)) {
      if (field in plain) {
        problems.push({
          setting: `existing.${field}`,
          message: `holds a secret in plain text; remove it and set the secret ${secretKey} instead: \`pulumi config set --secret ${secretKey} <value>\`.`,
        });
      }
    }
    if (problems.length > 0) return { ok: false, problems };
    const input: Record<string, unknown> = { ...plain };
    for (const [field, secretKey] of Object.entries(secrets)) {
      const value = source.get(secretKey);
      if (value !== undefined) input[field] = value;
    }
    const result = existingSettingsSchema.safeParse(input);
    if (result.success) return { ok: true, value: result.data };
    return {
      ok: false,
      problems: problemsFromZod(result.error, (path) => {
        const [field, ...rest] = path;
        const secretKey = typeof field === "string" ? secrets[field] : undefined;
        return secretKey ? settingPath(secretKey, rest) : settingPath("existing", path);
      }),
    };
  },
};

/** Stand-in until the platform's own section lands: selecting the platform fails with a clear message. */
function unavailableSection(platform: PlatformName): PlatformSection<never> {
  return {
    settings: {},
    otherKeys: [],
    secretKeys: [],
    parse: () => ({
      ok: false,
      problems: [{ setting: "platform", message: `${JSON.stringify(platform)} is not available in this version yet.` }],
    }),
  };
}

export const platformSections = {
  azure: azureSection,
  existing: existingSection,
  neon: unavailableSection("neon"),
  supabase: unavailableSection("supabase"),
} satisfies Record<PlatformName, PlatformSection<unknown>>;

type Sections = typeof platformSections;
export type PlatformSettingsOf<P extends PlatformName> = Sections[P] extends PlatformSection<infer T> ? T : never;

/** The selected platform and its validated settings. */
export type PlatformSettings = { [P in PlatformName]: { name: P; settings: PlatformSettingsOf<P> } }[PlatformName];

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
