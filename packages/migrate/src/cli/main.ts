// Entry point of the pgvector-migrate command (bin/pgvector-migrate.js calls main()).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { libpqVariables } from "../db/connection-config";
import { defaultRetry } from "../db/retry";
import { isMigrateError } from "../errors";
import { formatChoices } from "../files/formats";
import { DEFAULT_EXCLUDED_RULES } from "../lint/rules";
import { migrationOptions } from "../options/migration-options";
import { defaultProgressAfterMs, progressEnvironmentVariable } from "../options/progress";
import { platforms } from "../types";
import { type CommandSpec, type OptionSpec, type OptionValues, type ProgramSpec, parseCommandLine } from "./arguments";
import {
  baselineCommand,
  downCommand,
  importCommand,
  newCommand,
  type PlanCommandOptions,
  parseTargetVersion,
  planCommand,
  statusCommand,
  upCommand,
} from "./commands";
import { terminalQuestion } from "./confirm";
import { type DatabaseCommandOptions, parseDuration, parseSearchPathOption } from "./engine-options";
import { ExitCode, UsageError } from "./exit-codes";
import { Interruption } from "./interrupt";
import { lintCommand } from "./lint-command";
import { Output, processWriters, type Writers } from "./output";

/** Engine errors that mean "the invocation is wrong" rather than "the run failed". */
const usageErrorCodes = new Set(["INVALID_OPTIONS", "INVALID_TARGET"]);

const dirOption: OptionSpec = {
  name: "dir",
  value: "<path>",
  description: "migrations directory",
  default: migrationOptions.directory.default,
};
const jsonOption: OptionSpec = { name: "json", description: "print one JSON document on stdout" };
const formatOption: OptionSpec = {
  name: "format",
  value: "<format>",
  description: "layout of the migrations directory (see docs/migrations.md, Formats)",
  default: migrationOptions.format.default,
  choices: formatChoices,
};

const databaseOptions: readonly OptionSpec[] = [
  dirOption,
  formatOption,
  { name: "allow-empty", description: "accept a migrations directory without migrations" },
  {
    name: "database-url",
    value: "<url>",
    description: `PostgreSQL connection URL (prefer the environment variable); ${Object.values(libpqVariables).join(", ")} fill what it leaves out, or replace it`,
    env: "DATABASE_URL",
  },
  {
    name: "tracking-table",
    value: "<name>",
    description: `tracking table, optionally schema-qualified (default ${migrationOptions.trackingTable.default})`,
  },
  {
    name: "lock-timeout",
    value: "<duration>",
    description: `how long to wait for another runner, e.g. 30s, 2m (default ${migrationOptions.lockTimeoutSeconds.default}s)`,
    parse: parseDuration,
  },
  {
    name: "query-timeout",
    value: "<duration>",
    description:
      "give up (closing the connection) when the server does not answer one of the tool's own queries in time (default 30s)",
    env: "PGVECTOR_MIGRATE_QUERY_TIMEOUT",
    parse: parseDuration,
  },
  {
    name: "migration-timeout",
    value: "<duration>",
    description:
      "give up when a migration (a transactional file, or one statement of a no-transaction file) gets no answer in time; 0 = no limit (default 24h)",
    env: "PGVECTOR_MIGRATE_MIGRATION_TIMEOUT",
    parse: parseDuration,
  },
  {
    name: "keepalive",
    value: "<duration>",
    description:
      "idle time before TCP keepalive probes (then every second, 10 times) detect a dead server or network (default 10s)",
    env: "PGVECTOR_MIGRATE_KEEPALIVE",
    parse: parseDuration,
  },
  { name: "allow-out-of-order", description: "apply pending migrations older than the newest applied one" },
  {
    name: "no-retry",
    description: `fail at the first connection error instead of retrying transient ones (default: ${defaultRetry.attempts} attempts, waiting ${defaultRetry.initialDelayMs} ms doubling up to ${defaultRetry.maxDelayMs / 1000} s)`,
  },
  {
    name: "search-path",
    value: "<schemas>",
    description:
      "search_path of the migration sessions, comma-separated, e.g. public,extensions when vector is in schema extensions (default: the server's)",
    parse: parseSearchPathOption,
  },
  {
    name: "platform",
    value: "<platform>",
    description: migrationOptions.platform.description.toLowerCase().replace(/\.$/, ""),
    choices: platforms,
  },
  jsonOption,
  { name: "verbose", description: "print progress messages on stderr" },
];

const progressOption: OptionSpec = {
  name: "progress",
  value: "<duration>",
  description: `report a statement that runs longer than this (index build phase and percent, lock waits, elapsed time, read from a second connection): a live line on a terminal, else a line this often; 0 = off (default ${defaultProgressAfterMs / 1000}s)`,
  env: progressEnvironmentVariable,
  parse: parseDuration,
};

const dryRunOption: OptionSpec = {
  name: "dry-run",
  description: "print the files that would run, in order, and run nothing",
};

const importToolLedgerOption: OptionSpec = {
  name: "import-tool-ledger",
  description: helpText(migrationOptions.importToolLedger.description),
};

const commands: readonly CommandSpec[] = [
  {
    name: "plan",
    description: "show pending migrations, problems, invalid SQL and migration lint findings (squawk)",
    options: [
      ...databaseOptions,
      { name: "exit-code", description: "exit with code 3 when migrations are pending (for CI)" },
      { name: "strict", description: "every lint finding is an error (exit 1), and lint must run: use for production" },
      { name: "no-lint", description: "skip the migration lint (squawk)" },
      importToolLedgerOption,
    ],
  },
  {
    name: "status",
    description: "list every migration: applied (when, by whom, how long), pending, changed or missing",
    options: [
      ...databaseOptions,
      {
        name: "exit-code",
        description: `exit with code ${ExitCode.pending} when a migration is pending, changed or missing (for CI)`,
      },
    ],
  },
  {
    name: "up",
    description: "apply pending migrations",
    options: [
      ...databaseOptions,
      progressOption,
      dryRunOption,
      {
        name: "single-transaction",
        description:
          "apply all pending migrations in one transaction, all or none (refused when one is -- migrate:no-transaction)",
      },
      {
        name: "allow-populated",
        description:
          "apply the first migrations even though nothing is recorded and the database already has tables (see baseline)",
      },
      importToolLedgerOption,
      { name: "keep-tool-ledger", description: helpText(migrationOptions.keepToolLedger.description) },
    ],
  },
  {
    name: "import",
    description:
      "record as applied what the folder's tool recorded in its ledger (drizzle-kit, Supabase CLI, dbmate, golang-migrate, Flyway, Prisma), without running it",
    options: databaseOptions,
  },
  {
    name: "baseline",
    description: "record every migration up to --to as applied without running it (for a schema built before tracking)",
    options: [
      ...databaseOptions,
      {
        name: "to",
        value: "<version>",
        description: "newest migration already in the database",
        required: true,
        parse: parseTargetVersion,
      },
    ],
  },
  {
    name: "down",
    description: "revert applied migrations newer than --to, newest first",
    options: [
      ...databaseOptions,
      {
        name: "to",
        value: "<version>",
        description: "version to go back to (0 reverts everything)",
        required: true,
        parse: parseTargetVersion,
      },
      progressOption,
      dryRunOption,
      { name: "yes", description: "revert without asking (required when stdin is not a terminal)" },
    ],
  },
  {
    name: "lint",
    description:
      "lint the migration files (up files) with squawk for operations that block a live database; needs no database",
    options: [
      dirOption,
      {
        ...formatOption,
        hints: {
          github: "--format is the layout of the migrations directory: use --github for workflow annotations",
          json: "--format is the layout of the migrations directory: use --json for a JSON document",
          text: "--format is the layout of the migrations directory: text is the default output",
        },
      },
      {
        name: "changed-since",
        value: "<ref>",
        description: "only migrations added or changed since the merge base with <ref>, e.g. origin/main",
      },
      { name: "strict", description: "every finding is an error (exit 1): use for production" },
      {
        name: "cluster",
        description: "the target is a Citus cluster: a table with a vector column must be distributed",
      },
      { name: "pg-version", value: "<version>", description: "PostgreSQL version of the target, e.g. 17" },
      {
        name: "exclude",
        value: "<rules>",
        description: `comma-separated rules to skip, added to the default exclusions (${DEFAULT_EXCLUDED_RULES.join(", ")})`,
        multiple: true,
      },
      { name: "include", value: "<rules>", description: "comma-separated opt-in rules to turn on", multiple: true },
      jsonOption,
      { name: "github", description: "print GitHub workflow annotations instead of one line per finding" },
      { name: "summary", value: "<file>", description: 'append a Markdown summary, e.g. "$GITHUB_STEP_SUMMARY"' },
    ],
  },
  {
    name: "new",
    description: "create the next migration in the folder's format (native: NNNN_<name>.sql and NNNN_<name>.down.sql)",
    argument: { name: "name", description: "what the migration does, e.g. add_documents" },
    options: [dirOption, formatOption, jsonOption],
  },
];

/** An option's description as a help line: lower-case start, no final period. */
function helpText(description: string): string {
  return `${description.charAt(0).toLowerCase()}${description.slice(1)}`.replace(/\.$/, "");
}

export const program: ProgramSpec = {
  name: "pgvector-migrate",
  description: "Apply SQL migrations to PostgreSQL with pgvector, in order, exactly once",
  version: packageVersion,
  commands,
};

function packageVersion(): string {
  // dist/cli (and src/cli) are two levels below the package root.
  const manifest = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as { version: string };
  return manifest.version;
}

function databaseCommandOptions(values: OptionValues): DatabaseCommandOptions {
  const options: DatabaseCommandOptions = { dir: values.dir as string };
  if (values["database-url"] !== undefined) options.databaseUrl = values["database-url"] as string;
  if (values["tracking-table"] !== undefined) options.trackingTable = values["tracking-table"] as string;
  if (values["lock-timeout"] !== undefined) options.lockTimeout = values["lock-timeout"] as number;
  if (values["query-timeout"] !== undefined) options.queryTimeout = values["query-timeout"] as number;
  if (values["migration-timeout"] !== undefined) options.migrationTimeout = values["migration-timeout"] as number;
  if (values.keepalive !== undefined) options.keepalive = values.keepalive as number;
  if (values["allow-out-of-order"]) options.allowOutOfOrder = true;
  if (values["no-retry"]) options.noRetry = true;
  if (values["search-path"] !== undefined) options.searchPath = values["search-path"] as string[];
  if (values.platform !== undefined) options.platform = values.platform as DatabaseCommandOptions["platform"];
  if (values.format !== undefined) options.format = values.format as DatabaseCommandOptions["format"];
  if (values["allow-empty"]) options.allowEmpty = true;
  if (values.progress !== undefined) options.progress = values.progress as number;
  if (values.json) options.json = true;
  if (values.verbose) options.verbose = true;
  return options;
}

function runCommand(
  command: string,
  values: OptionValues,
  argument: string | undefined,
  output: Output,
  interruption: Interruption,
) {
  switch (command) {
    case "plan": {
      const options: PlanCommandOptions = {
        ...databaseCommandOptions(values),
        lint: values["no-lint"] !== true,
        ...(values["import-tool-ledger"] === true && { importToolLedger: true }),
        ...(values["exit-code"] === true && { exitCode: true }),
        ...(values.strict === true && { strict: true }),
      };
      return planCommand(options, output);
    }
    case "status":
      return statusCommand(
        { ...databaseCommandOptions(values), ...(values["exit-code"] === true && { exitCode: true }) },
        output,
      );
    case "up":
      return upCommand(
        {
          ...databaseCommandOptions(values),
          ...(values["single-transaction"] === true && { singleTransaction: true }),
          ...(values["dry-run"] === true && { dryRun: true }),
          ...(values["allow-populated"] === true && { allowPopulated: true }),
          ...(values["import-tool-ledger"] === true && { importToolLedger: true }),
          ...(values["keep-tool-ledger"] === true && { keepToolLedger: true }),
        },
        output,
        interruption,
      );
    case "import":
      return importCommand(databaseCommandOptions(values), output, interruption);
    case "baseline":
      return baselineCommand({ ...databaseCommandOptions(values), to: values.to as string }, output, interruption);
    case "down":
      return downCommand(
        {
          ...databaseCommandOptions(values),
          to: values.to as string,
          ...(values["dry-run"] === true && { dryRun: true }),
          ...(values.yes === true && { yes: true }),
          ...(process.stdin.isTTY && { ask: terminalQuestion }),
        },
        output,
        interruption,
      );
    case "lint":
      return lintCommand(
        {
          dir: values.dir as string,
          format: values.format as DatabaseCommandOptions["format"],
          strict: values.strict === true,
          cluster: values.cluster === true,
          exclude: values.exclude as string[],
          include: values.include as string[],
          github: values.github === true,
          ...(values["changed-since"] !== undefined && { changedSince: values["changed-since"] as string }),
          ...(values["pg-version"] !== undefined && { pgVersion: values["pg-version"] as string }),
          ...(values.summary !== undefined && { summary: values.summary as string }),
        },
        output,
      );
    default:
      return newCommand(
        argument ?? "",
        {
          dir: values.dir as string,
          format: values.format as DatabaseCommandOptions["format"],
          json: values.json === true,
        },
        output,
      );
  }
}

function report(error: unknown, output: Output, command: string): number {
  const usage = error instanceof UsageError || (isMigrateError(error) && usageErrorCodes.has(error.code));
  const code = isMigrateError(error) ? error.code : usage ? "USAGE" : "UNEXPECTED";
  const message = error instanceof Error ? error.message : String(error);
  if (output.json) {
    const details = isMigrateError(error) && Object.keys(error.details).length > 0 ? error.details : undefined;
    output.document({ command, ok: false, error: { code, message, ...(details && { details }) } });
  }
  output.note(code === "UNEXPECTED" || code === "USAGE" ? `error: ${message}` : `error [${code}]: ${message}`);
  return usage ? ExitCode.usage : ExitCode.failure;
}

export async function main(argv: readonly string[], writers: Writers = processWriters): Promise<number> {
  const output = new Output(writers, argv.includes("--json"));
  const command = argv.find((arg) => !arg.startsWith("-")) ?? "";
  let invocation: ReturnType<typeof parseCommandLine>;
  try {
    invocation = parseCommandLine(program, argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const code = report(error, output, command);
    output.note("(run with --help for usage)");
    return code;
  }
  switch (invocation.kind) {
    case "help":
      if (invocation.error) {
        writers.stderr(invocation.text);
        return ExitCode.usage;
      }
      writers.stdout(invocation.text);
      return ExitCode.success;
    case "version":
      writers.stdout(`${invocation.text}\n`);
      return ExitCode.success;
    default: {
      const interruption = new Interruption(invocation.command === "up" || invocation.command === "down");
      const uninstall = interruption.install(output);
      try {
        const code = await runCommand(invocation.command, invocation.values, invocation.argument, output, interruption);
        return interruption.received ? interruption.report(output, invocation.command, undefined) : code;
      } catch (error) {
        if (interruption.received) return interruption.report(output, invocation.command, error);
        return report(error, output, invocation.command);
      } finally {
        uninstall();
      }
    }
  }
}
