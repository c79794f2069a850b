import type { z } from "zod";
import type { CommonSettings } from "./common";
import { structuredIssueMessages } from "./issue-messages";
import type { PlatformSection } from "./platform-section";
import { type Parsed, type Problem, problemsFromZod, settingPath } from "./problems";
import type { ConfigSource } from "./source";

export interface StructuredSectionOptions<T> {
  /** The structured setting, e.g. `neon`: an object set with `pulumi config set --path neon.region ...`. */
  key: string;
  /** Field of the object -> the secret setting that supplies it (`password` -> `supabaseDbPassword`). */
  secrets: Readonly<Record<string, string>>;
  /** Validates the object with the secrets merged in; its messages never quote values. */
  schema: z.ZodType<T>;
  /** An example field and value for the "not an object" message, e.g. `region aws-eu-central-1`. */
  example: string;
  /** See PlatformSection.docs. */
  docs: string;
  /** Secrets of other namespaces the platform reads (`neon:apiKey`): they must not be stored in plain text. */
  otherSecretKeys?: readonly string[];
  /** Rules that span the platform's settings and the common ones (ephemeral, postgresVersion...). */
  check?(value: T, common: CommonSettings, source: ConfigSource): Problem[];
}

/**
 * A platform section whose settings live in one structured setting plus secrets, which Pulumi.yaml cannot
 * declare. Secrets are separate keys so they can be encrypted; a secret written into the object is refused.
 */
export function structuredSection<T>(options: StructuredSectionOptions<T>): PlatformSection<T> {
  const secretFields = Object.entries(options.secrets);
  return {
    settings: {},
    otherKeys: [options.key, ...secretFields.map(([, secretKey]) => secretKey)],
    secretKeys: [...secretFields.map(([, secretKey]) => secretKey), ...(options.otherSecretKeys ?? [])],
    docs: options.docs,
    parse(source: ConfigSource, common: CommonSettings): Parsed<T> {
      const raw = source.get(options.key);
      const plain = raw === undefined ? {} : parseJsonObject(raw);
      if (plain === undefined) {
        return {
          ok: false,
          problems: [
            {
              setting: options.key,
              message: `is not an object; set its fields with \`pulumi config set --path ${options.key}.${options.example}\`.`,
            },
          ],
        };
      }
      const misplaced = secretFields
        .filter(([field]) => field in plain)
        .map(([field, secretKey]) => ({
          setting: `${options.key}.${field}`,
          message: `holds a secret in plain text; remove it and set the secret ${secretKey} instead: \`pulumi config set --secret ${secretKey} <value>\`.`,
        }));
      if (misplaced.length > 0) return { ok: false, problems: misplaced };

      const input: Record<string, unknown> = { ...plain };
      for (const [field, secretKey] of secretFields) {
        const value = source.get(secretKey);
        if (value !== undefined) input[field] = value;
      }
      const result = options.schema.safeParse(input, {
        error: structuredIssueMessages({
          secretFields: secretFields.map(([field]) => field),
          secretSetting: source.isSecret(options.key),
        }),
      });
      if (!result.success) {
        return {
          ok: false,
          problems: problemsFromZod(result.error, (path) => {
            const [field, ...rest] = path;
            const secretKey = typeof field === "string" ? options.secrets[field] : undefined;
            return secretKey ? settingPath(secretKey, rest) : settingPath(options.key, path);
          }),
        };
      }
      const problems = options.check?.(result.data, common, source) ?? [];
      return problems.length > 0 ? { ok: false, problems } : { ok: true, value: result.data };
    },
  };
}

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
