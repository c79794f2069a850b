import { z } from "zod";

/** The config types Pulumi.yaml can declare (project config schema: string, integer, boolean, array). */
export type SettingType = "string" | "integer" | "boolean" | "array";

/**
 * One stack setting: what Pulumi.yaml declares (type, default, description) and the zod schema that turns the
 * raw string from the stack configuration into a checked value. Messages never repeat the setting name (the
 * formatter prefixes it); they quote the value and list what is accepted.
 */
export interface Setting<T> {
  type: SettingType;
  default: string | number | boolean | readonly string[];
  description: string;
  /** The default in words, where the value alone does not say what happens ("" meaning "Azure chooses"). */
  defaultText?: string;
  /** The accepted values in words, for the settings tables in docs/ ("1 to 3600", "`off`, `warn` or `strict`"). */
  accepted?: string;
  schema: z.ZodType<T, string | undefined>;
}

/** What every builder takes besides its rule: the text of Pulumi.yaml and docs/. */
interface Described {
  description: string;
  defaultText?: string;
}

/** The documentation fields of a setting, without the undefined ones (Pulumi.yaml and docs are generated from them). */
function described(
  options: Described,
  accepted?: string,
): Pick<Setting<unknown>, "description" | "defaultText" | "accepted"> {
  return {
    description: options.description,
    ...(options.defaultText !== undefined && { defaultText: options.defaultText }),
    ...(accepted !== undefined && { accepted }),
  };
}

const code = (value: string | number): string => `\`${value}\``;

export const quote = (value: string): string => JSON.stringify(value);

/** "a, b or c" */
export function listOf(values: readonly (string | number)[]): string {
  const items = values.map(String);
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

type Check<T> = (value: T) => string | undefined;

function raw(): z.ZodOptional<z.ZodString> {
  return z.string({ error: "must be a string" }).optional();
}

/** A string; "" or unset means `default`. */
export function text(options: Described & { default: string; check?: Check<string> }): Setting<string> {
  return {
    type: "string",
    default: options.default,
    ...described(options),
    schema: raw().transform((value, ctx) => {
      const result = value === undefined || value === "" ? options.default : value;
      const problem = result === "" ? undefined : options.check?.(result);
      if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
        return z.NEVER;
      }
      return result;
    }),
  };
}

/** A string that may be left unset: "" or unset means none (undefined), as for an option without a default. */
export function optionalText(options: { description: string; check: Check<string> }): Setting<string | undefined> {
  return {
    type: "string",
    default: "",
    description: options.description,
    schema: raw().transform((value, ctx) => {
      const result = value?.trim();
      if (result === undefined || result === "") return undefined;
      const problem = options.check(result);
      if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
        return z.NEVER;
      }
      return result;
    }),
  };
}

/** One of `accepted`, matched without regard to case and returned as spelled in `accepted`. */
export function choice<T extends string>(
  options: Described & {
    accepted: readonly T[];
    default: T;
    what?: string;
  },
): Setting<T> {
  return {
    type: "string",
    default: options.default,
    ...described(options, listOf(options.accepted.map(code))),
    schema: raw().transform((value, ctx) => {
      if (value === undefined || value === "") return options.default;
      const match = options.accepted.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
      if (match === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `${quote(value)} is not ${options.what ?? "an accepted value"}. Accepted values: ${listOf(options.accepted)}.`,
        });
        return z.NEVER;
      }
      return match;
    }),
  };
}

/** A whole number, within [min, max] or one of `oneOf`. */
export function integer(
  options: Described & {
    default: number;
    min?: number;
    max?: number;
    oneOf?: readonly number[];
    what?: string;
  },
): Setting<number> {
  const range = `${options.min ?? 0}${options.max === undefined ? " up" : ` to ${options.max}`}`;
  const accepted = options.oneOf
    ? `Accepted values: ${listOf(options.oneOf)}.`
    : `Accepted values: whole numbers from ${range}.`;
  return {
    type: "integer",
    default: options.default,
    ...described(
      options,
      options.oneOf
        ? listOf(options.oneOf)
        : options.max === undefined
          ? `${options.min ?? 0} or more`
          : `${options.min ?? 0} to ${options.max}`,
    ),
    schema: raw().transform((value, ctx) => {
      if (value === undefined) return options.default;
      const trimmed = value.trim();
      const parsed = /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
      const inRange =
        Number.isSafeInteger(parsed) &&
        (options.oneOf
          ? options.oneOf.includes(parsed)
          : parsed >= (options.min ?? 0) && (options.max === undefined || parsed <= options.max));
      if (!inRange) {
        ctx.addIssue({ code: "custom", message: `${quote(value)} is not ${options.what ?? "accepted"}. ${accepted}` });
        return z.NEVER;
      }
      return parsed;
    }),
  };
}

export function boolean(options: Described & { default: boolean }): Setting<boolean> {
  return {
    type: "boolean",
    default: options.default,
    ...described(options),
    schema: raw().transform((value, ctx) => {
      if (value === undefined || value === "") return options.default;
      const normalized = value.trim().toLowerCase();
      if (normalized === "true") return true;
      if (normalized === "false") return false;
      ctx.addIssue({ code: "custom", message: `${quote(value)} is not a boolean. Accepted values: true or false.` });
      return z.NEVER;
    }),
  };
}

/**
 * A list of strings, stored by Pulumi as a JSON array (`pulumi config set --path 'key[0]' value`, or a YAML list
 * in the stack file). Every item is checked; all problems are reported.
 */
export function stringList(
  options: Described & {
    default: readonly string[];
    check?: Check<string>;
  },
): Setting<string[]> {
  return {
    type: "array",
    default: options.default,
    ...described(options),
    schema: raw().transform((value, ctx) => {
      if (value === undefined || value === "") return [...options.default];
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== "string")) {
        ctx.addIssue({
          code: "custom",
          message:
            `${quote(value)} is not a list of strings. Set items with ` +
            `\`pulumi config set --path '<key>[0]' <value>\`, or write a YAML list in the stack file.`,
        });
        return z.NEVER;
      }
      const items = parsed as string[];
      let failed = false;
      items.forEach((item, index) => {
        const problem = options.check?.(item);
        if (problem) {
          failed = true;
          ctx.addIssue({ code: "custom", path: [index], message: problem });
        }
      });
      return failed ? z.NEVER : items;
    }),
  };
}

export type SettingValues<S extends Record<string, Setting<unknown>>> = {
  [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

/** A zod object over the raw strings of `settings`, keyed like them. */
export function settingsSchema<S extends Record<string, Setting<unknown>>>(
  settings: S,
): z.ZodType<SettingValues<S>, Record<string, string | undefined>> {
  const shape = Object.fromEntries(Object.entries(settings).map(([key, setting]) => [key, setting.schema]));
  return z.object(shape) as unknown as z.ZodType<SettingValues<S>, Record<string, string | undefined>>;
}
