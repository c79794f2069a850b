// Entry point of the pgvector-migrate command (bin/pgvector-migrate.js calls main()).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isMigrateError } from "../errors";
import { downCommand, newCommand, parseTargetVersion, planCommand, upCommand } from "./commands";
import { ExitCode, UsageError } from "./exit-codes";
import { Output, processWriters, type Writers } from "./output";
import { type DatabaseCommandOptions, parseDuration, platforms } from "./settings";

/** Engine errors that mean "the invocation is wrong" rather than "the run failed". */
const usageErrorCodes = new Set(["INVALID_OPTIONS", "INVALID_TARGET"]);

// commander is ESM-only: loaded with import() and typed in import mode (this package compiles to CommonJS).
type Commander = typeof import("commander", { with: { "resolution-mode": "import" }});
type CommandType = InstanceType<Commander["Command"]>;

function addDatabaseOptions(command: CommandType, commander: Commander): CommandType {
  const { Option, InvalidArgumentError } = commander;
  const duration = (value: string) => {
    try {
      return parseDuration(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
  return command
    .option("--dir <path>", "migrations directory", "migrations")
    .addOption(
      new Option("--database-url <url>", "PostgreSQL connection URL (prefer the environment variable)").env(
        "DATABASE_URL",
      ),
    )
    .option("--tracking-table <name>", "tracking table, optionally schema-qualified (default public.schema_migrations)")
    .option("--lock-timeout <duration>", "how long to wait for another runner, e.g. 30s, 2m (default 60s)", duration)
    .option("--allow-out-of-order", "apply pending migrations older than the newest applied one")
    .addOption(
      new Option("--platform <platform>", "where the database runs (only changes advice in errors)").choices(platforms),
    )
    .option("--json", "print one JSON document on stdout")
    .option("--verbose", "print progress messages on stderr");
}

/** The command line; each action hands its work to `run`, which main() awaits after parsing. */
function buildProgram(
  commander: Commander,
  writers: Writers,
  output: Output,
  run: (work: () => Promise<number>) => void,
) {
  const program = new commander.Command("pgvector-migrate")
    .description("Apply SQL migrations to PostgreSQL with pgvector, in order, exactly once")
    .version(packageVersion(), "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => writers.stdout(text),
      writeErr: (text) => writers.stderr(text),
    });

  addDatabaseOptions(program.command("plan").description("show pending migrations and problems"), commander)
    .option("--exit-code", "exit with code 3 when migrations are pending (for CI)")
    .action((options: DatabaseCommandOptions & { exitCode?: boolean }) => run(() => planCommand(options, output)));

  addDatabaseOptions(program.command("up").description("apply pending migrations"), commander).action(
    (options: DatabaseCommandOptions) => run(() => upCommand(options, output)),
  );

  addDatabaseOptions(
    program.command("down").description("revert applied migrations newer than --to, newest first"),
    commander,
  )
    .requiredOption("--to <version>", "version to go back to (0 reverts everything)", parseTargetArgument(commander))
    .action((options: DatabaseCommandOptions & { to: number }) => run(() => downCommand(options, output)));

  program
    .command("new")
    .description("create the next numbered migration pair: NNNN_<name>.sql and NNNN_<name>.down.sql")
    .argument("<name>", "what the migration does, e.g. add_documents")
    .option("--dir <path>", "migrations directory", "migrations")
    .option("--json", "print one JSON document on stdout")
    .action((name: string, options: { dir: string; json?: boolean }) => run(() => newCommand(name, options, output)));

  return program;
}

function packageVersion(): string {
  // dist/cli (and src/cli) are two levels below the package root.
  const manifest = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as { version: string };
  return manifest.version;
}

function parseTargetArgument(commander: Commander) {
  return (value: string) => {
    try {
      return parseTargetVersion(value);
    } catch (error) {
      throw new commander.InvalidArgumentError((error as Error).message);
    }
  };
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
  const commander = await import("commander");
  const output = new Output(writers, argv.includes("--json"));
  const command = argv.find((arg) => !arg.startsWith("-")) ?? "";
  let work: (() => Promise<number>) | undefined;
  const program = buildProgram(commander, writers, output, (fn) => {
    work = fn;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof commander.CommanderError) {
      // --help and --version end parsing with a CommanderError whose exit code is 0.
      if (error.exitCode === 0) return ExitCode.success;
      if (output.json) output.document({ command, ok: false, error: { code: "USAGE", message: error.message } });
      return ExitCode.usage;
    }
    return report(error, output, command);
  }
  if (!work) {
    // No command given: show the help on stderr as a usage error.
    program.outputHelp({ error: true });
    return ExitCode.usage;
  }
  try {
    return await work();
  } catch (error) {
    return report(error, output, command);
  }
}
