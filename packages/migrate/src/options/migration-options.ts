// The options of a migration run as the stack configuration, the CLI, the Pulumi resource and its provider take
// them: one name, one default, one description and one rule each, defined here and imported by every layer above.
// Pure: no database access, no file access.
import { quoteIdentifier } from "../db/quote";
import { defaultTrackingTable } from "../db/tracking-table";
import { formatChoices } from "../files/formats";
import { type EngineOptions, type Logger, type MigrationFormat, type Platform, platforms } from "../types";
import { extensionNameProblem, schemaNameProblem, trackingTableProblem } from "./names";

export const lintModes = ["off", "warn", "strict"] as const;
/**
 * How the Pulumi resource lints the migrations an update adds (squawk): "off"; "warn": findings are shown, nothing
 * is blocked; "strict": every finding, or a linter that cannot run, fails the preview.
 */
export type LintMode = (typeof lintModes)[number];

export const onDeleteModes = ["keep", "down"] as const;
/** What deleting the Pulumi resource does: "keep" leaves the database alone; "down" reverts every migration. */
export type OnDelete = (typeof onDeleteModes)[number];

/** The layout of a migrations folder, or "auto": detect it (files/formats/). */
export type FormatChoice = MigrationFormat | "auto";

/**
 * A migration version as the files write it: 3, 0003, 20260203101500, Flyway's 1.9 (dots or underscores between
 * parts). What `--to` and the baseline option take.
 */
export const versionTextPattern = /^\d+([._]\d+)*$/;

/** Every option of a migration run besides the connection. The stack, the resource and its state use these names. */
export interface MigrationOptions {
  /** The migrations folder: relative to the Pulumi project directory in the stack and the resource. */
  directory: string;
  /** Tracking table, optionally schema-qualified. */
  trackingTable: string;
  /** How long a run waits for another runner's migration lock. */
  lockTimeoutSeconds: number;
  /** Apply a pending migration older than the newest applied one instead of failing. */
  allowOutOfOrder: boolean;
  /**
   * Longest a single statement may run (`statement_timeout`, 0: no limit); in the resource also its create/update
   * customTimeouts. A file's `-- migrate:set statement_timeout` directive overrides it for that file.
   */
  timeoutMinutes: number;
  onDelete: OnDelete;
  /** Only changes the advice in error messages. */
  platform: Platform;
  /** Extensions that must exist before anything runs, in addition to those the SQL uses. */
  requiredExtensions: string[];
  /** search_path of the migration sessions, e.g. ["public", "extensions"] on Supabase. Default: the server's. */
  searchPath?: string[];
  lint: LintMode;
  /** The folder's layout; "auto" detects it. */
  format: FormatChoice;
  /**
   * A version as the files write it: every migration up to it that the tracking table does not record is recorded
   * as applied (baselined) without running, before the others run. For a database whose schema already exists.
   */
  baseline?: string;
  /** Run the first migrations even though nothing is recorded and the database already holds tables. */
  allowPopulated: boolean;
  /** Before applying, record as applied what the folder's own tool recorded in its ledger. */
  importToolLedger: boolean;
  /** drizzle-kit and Supabase CLI folders: also record each migration applied in that tool's ledger. */
  keepToolLedger: boolean;
}

export type MigrationOptionName = keyof MigrationOptions;

/** One option: its default, what it means (for help texts and Pulumi.yaml), and its rule. */
export interface OptionSpec<T> {
  default: T;
  description: string;
  /** What is wrong with the value, as a phrase that follows the option's name; undefined when it is valid. */
  problem(value: unknown): string | undefined;
}

export interface WholeNumberSpec extends OptionSpec<number> {
  min: number;
  max: number;
}

export interface ChoiceSpec<T extends string> extends OptionSpec<T> {
  accepted: readonly T[];
}

function wholeNumber(options: { default: number; description: string; min: number; max: number; unit: string }) {
  const { min, max, unit } = options;
  return {
    ...options,
    problem: (value: unknown) =>
      Number.isInteger(value) && (value as number) >= min && (value as number) <= max
        ? undefined
        : `must be a whole number of ${unit} from ${min} to ${max}${min === 0 ? " (0: no limit)" : ""}`,
  } satisfies WholeNumberSpec;
}

function choice<T extends string>(options: { default: T; description: string; accepted: readonly T[] }): ChoiceSpec<T> {
  return {
    ...options,
    problem: (value) =>
      options.accepted.includes(value as T) ? undefined : `must be one of ${options.accepted.join(", ")}`,
  };
}

function yesNo(options: { default: boolean; description: string }): OptionSpec<boolean> {
  return {
    ...options,
    problem: (value: unknown) => (typeof value === "boolean" ? undefined : "must be true or false"),
  };
}

function nameList(options: { default: readonly string[] | undefined; description: string; example: string }) {
  return {
    ...options,
    problem: (value: unknown) =>
      Array.isArray(value) && value.every((item) => typeof item === "string" && item.trim() !== "")
        ? undefined
        : `must be a list of ${options.example}`,
  } satisfies OptionSpec<readonly string[] | undefined>;
}

export const migrationOptions = {
  directory: {
    default: "migrations",
    description: "Folder of the SQL migrations, relative to the project directory.",
    problem: (value: unknown) =>
      typeof value === "string" && value !== "" && !/^([/\\]|[A-Za-z]:)/.test(value)
        ? undefined
        : "must be the migrations folder relative to the project directory (where Pulumi.yaml is)",
  },
  trackingTable: {
    default: defaultTrackingTable,
    description:
      "Table that records the applied migrations, in a schema the application role cannot use (a public.schema_migrations of an earlier version is moved there).",
    problem: trackingTableProblem,
  },
  lockTimeoutSeconds: wholeNumber({
    default: 60,
    min: 1,
    max: 3600,
    unit: "seconds",
    description: "How long a run waits for another runner's migration lock.",
  }),
  allowOutOfOrder: yesNo({
    default: false,
    description: "Apply a pending migration older than the newest applied one instead of failing.",
  }),
  timeoutMinutes: wholeNumber({
    default: 120,
    min: 0,
    max: 1440,
    unit: "minutes",
    description: "Longest a migration statement may run (0: no limit); also the resource's create/update timeout.",
  }),
  onDelete: choice<OnDelete>({
    default: "keep",
    accepted: onDeleteModes,
    description: 'What deleting the resource does: "keep" leaves the database alone, "down" reverts every migration.',
  }),
  platform: choice<Platform>({
    default: "generic",
    accepted: platforms,
    description: "Where the database runs (only changes the advice in errors).",
  }),
  requiredExtensions: {
    ...nameList({
      default: [],
      description: "Extensions that must exist before anything runs, in addition to those the SQL uses.",
      example: 'extension names, e.g. ["pg_trgm"]',
    }),
    default: [] as readonly string[],
    /** The rule of each name in the list. */
    item: extensionNameProblem,
  },
  searchPath: {
    ...nameList({
      default: undefined,
      description:
        "search_path of the migration sessions, e.g. public, extensions where vector is installed in schema extensions. Default: the server's.",
      example: 'schema names, e.g. ["public", "extensions"]',
    }),
    problem: (value: unknown) =>
      Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string" && item.trim() !== "")
        ? undefined
        : 'must be a non-empty list of schema names, e.g. ["public", "extensions"]',
    /** The rule of each name in the list. */
    item: schemaNameProblem,
  },
  lint: choice<LintMode>({
    default: "warn",
    accepted: lintModes,
    description:
      "Lint of the migrations an update adds (squawk): off; warn (findings shown in the preview); strict (a finding fails the preview).",
  }),
  format: choice<FormatChoice>({
    default: "auto",
    accepted: formatChoices,
    description: `Layout of the migrations folder, one of ${formatChoices.join(", ")} (auto: detect it).`,
  }),
  baseline: {
    default: undefined as string | undefined,
    description:
      "Adopt a database whose schema already exists: every migration up to this version (as the files write it, e.g. 3 or 20260203101500) is recorded as applied without running it; newer ones run.",
    problem: (value: unknown) =>
      typeof value === "string" && versionTextPattern.test(value)
        ? undefined
        : "must be the version of a migration as its file name writes it, e.g. 3, 0003, 20260203101500 or 1.9",
  },
  allowPopulated: yesNo({
    default: false,
    description:
      "Run the first migrations even though nothing is recorded and the database already holds tables (otherwise refused: see baseline).",
  }),
  importToolLedger: yesNo({
    default: false,
    description:
      "Before applying, record as applied what the folder's own tool recorded in its ledger (drizzle-kit, Supabase CLI, dbmate, golang-migrate, Flyway, Prisma), as `pgvector-migrate import` does.",
  }),
  keepToolLedger: yesNo({
    default: false,
    description:
      "drizzle-kit and Supabase CLI folders: also record each migration applied in that tool's ledger, in the same transaction, so the tool sees it as applied.",
  }),
} as const;

/** Options a run may leave unset: undefined means "none" rather than a default. */
const unsetAllowed: readonly MigrationOptionName[] = ["searchPath", "baseline"];

/** A problem with one option: the option's name and a sentence that starts with it. */
export interface OptionProblem {
  option: MigrationOptionName;
  message: string;
}

/** Every problem of `options` (all of them required but searchPath and baseline), each naming the option. */
export function migrationOptionProblems(
  options: Readonly<Partial<Record<MigrationOptionName, unknown>>>,
): OptionProblem[] {
  const problems: OptionProblem[] = [];
  for (const [name, spec] of Object.entries(migrationOptions) as [MigrationOptionName, OptionSpec<unknown>][]) {
    const value = options[name];
    if (unsetAllowed.includes(name) && value === undefined) continue;
    const problem = spec.problem(value);
    if (problem !== undefined) {
      problems.push({ option: name, message: `${name} ${problem}` });
      continue;
    }
    if (name === "requiredExtensions" || name === "searchPath") {
      for (const item of value as string[]) {
        const itemProblem = migrationOptions[name].item(item);
        if (itemProblem) problems.push({ option: name, message: `${name}: ${itemProblem}` });
      }
    }
  }
  return problems;
}

/** The options, and only they (other keys are left out), with every one the caller left out set to its default. */
export function withMigrationOptionDefaults(options: Partial<MigrationOptions>): MigrationOptions {
  const filled: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(migrationOptions)) {
    const value = options[name as MigrationOptionName] ?? spec.default;
    if (value !== undefined) filled[name] = Array.isArray(value) ? [...value] : value;
  }
  return filled as unknown as MigrationOptions;
}

/** The engine takes the lock timeout in milliseconds: the one conversion from the options' seconds. */
export function lockTimeoutMsOf(seconds: number): number {
  return seconds * 1000;
}

/** Settings of every migration session; a file's `-- migrate:set` directives override them for that file. */
export function sessionSettingsFor(
  options: Pick<MigrationOptions, "timeoutMinutes" | "searchPath">,
): Record<string, string> {
  const settings: Record<string, string> = { statement_timeout: `${options.timeoutMinutes}min` };
  if (options.searchPath !== undefined) settings.search_path = searchPathValue(options.searchPath);
  return settings;
}

/** The search_path setting of a list of schemas. */
export function searchPathValue(schemas: readonly string[]): string {
  return schemas.map(schemaName).join(", ");
}

/** A schema as search_path lists it: plain names as they are (as PostgreSQL shows them), others quoted. */
function schemaName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : quoteIdentifier(name);
}

/** The engine options of a run with these options. */
export function engineOptionsFor(
  options: MigrationOptions,
  connection: EngineOptions["connection"],
  logger?: Logger,
): EngineOptions {
  return {
    connection,
    trackingTable: options.trackingTable,
    lockTimeoutMs: lockTimeoutMsOf(options.lockTimeoutSeconds),
    allowOutOfOrder: options.allowOutOfOrder,
    allowPopulated: options.allowPopulated,
    importToolLedger: options.importToolLedger,
    keepToolLedger: options.keepToolLedger,
    format: options.format,
    requiredExtensions: options.requiredExtensions,
    platform: options.platform,
    sessionSettings: sessionSettingsFor(options),
    ...(logger && { logger }),
  };
}
