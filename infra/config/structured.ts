import type { z } from "zod";
import type { CommonSettings } from "./common";
import { structuredIssueMessages } from "./issue-messages";
import type { PlatformSection, SettingDoc } from "./platform-section";
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
  /** The rows of the platform's settings table in docs/ (`npm run docs`), in the order they are shown. */
  fieldDocs?: readonly SettingDoc[];
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
    ...(options.fieldDocs && { settingDocs: options.fieldDocs.map((doc) => withDefault(doc, options)) }),
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

/** A row's default: as written, else the schema's default of its one field of the object (none: empty). */
function withDefault<T>(doc: SettingDoc, options: StructuredSectionOptions<T>): SettingDoc & { default: string } {
  if (doc.default !== undefined) return { ...doc, default: doc.default };
  const [setting] = doc.settings;
  const prefix = `${options.key}.`;
  const value =
    doc.settings.length === 1 && setting?.startsWith(prefix)
      ? schemaDefault(options.schema, setting.slice(prefix.length).split("."))
      : undefined;
  return { ...doc, default: value === undefined ? "" : `\`${String(value)}\`` };
}

type SchemaNode = {
  _zod: {
    def: {
      type: string;
      shape?: Record<string, SchemaNode>;
      innerType?: SchemaNode;
      in?: SchemaNode;
      defaultValue?: unknown;
    };
  };
};

/** The default zod gives the field at `path` of an object schema (through optional and refined wrappers). */
function schemaDefault(schema: z.ZodType, path: readonly string[]): unknown {
  let node: SchemaNode | undefined = schema as unknown as SchemaNode;
  for (const field of path) node = objectOf(node)?._zod.def.shape?.[field];
  while (node) {
    const def: SchemaNode["_zod"]["def"] = node._zod.def;
    if (def.type === "default") return def.defaultValue;
    node =
      def.type === "optional" || def.type === "nullable" ? def.innerType : def.type === "pipe" ? def.in : undefined;
  }
  return undefined;
}

function objectOf(node: SchemaNode | undefined): SchemaNode | undefined {
  while (node && node._zod.def.type !== "object") {
    const def: SchemaNode["_zod"]["def"] = node._zod.def;
    node = def.type === "pipe" ? def.in : def.innerType;
  }
  return node;
}
