// The provider's check: runs during `pulumi preview`, often with values that are not known yet; never connects.
import { sslModes } from "../db/connection-config";
import { connectionUrlProblem } from "../db/connection-url";
import { loadMigrations } from "../files/load";
import { formatLintFinding } from "../lint/format";
import { lintMigrations } from "../lint/lint";
import type { LintFinding } from "../lint/types";
import { migrationOptionProblems, migrationOptions, sessionSettingsFor } from "../options/migration-options";
import type { MigrationsInputs, PendingAction } from "./inputs";
import { entryFile, migrationKey, readMap } from "./migration-map";
import { migrationsFolder } from "./project-directory";
import { isRecord, isUnknown, shortChecksum } from "./values";

/** A property of the inputs and what is wrong with it, as the Pulumi engine shows it. */
export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult {
  inputs: MigrationsInputs;
  failures: CheckFailure[];
}

export async function checkInputs(olds: unknown, news: MigrationsInputs): Promise<CheckResult> {
  const oldInputs: Record<string, unknown> = isRecord(olds) ? olds : {};
  const newInputs: Record<string, unknown> = isRecord(news) ? news : {};
  const added = addedMigrationKeys(oldInputs, newInputs);
  const mapFailures = migrationMapFailures(newInputs);
  const options = [...optionFailures(newInputs), ...mapFailures, ...baselineFailures(newInputs)];
  const addedEntries = mapFailures.length === 0 ? addedMigrationFailures(newInputs, added) : [];
  // Lint only what the rest of the check accepts: a bad option or entry is reported as such first.
  const lint =
    options.length === 0 && addedEntries.length === 0
      ? await lintAddedMigrations(news, added)
      : { failures: [], warnings: [] };
  const failures = [
    ...connectionFailures(newInputs.connection),
    ...options,
    ...appliedMigrationFailures(oldInputs, newInputs),
    ...addedEntries,
    ...lint.failures,
  ];
  const pending = pendingActions(newInputs, added);
  if (failures.length === 0) reportBaseline(news, pending);
  return { inputs: checkedInputs(news, lint.warnings, pending), failures };
}

/**
 * A preview that baselines says so in its output too (stderr, as the lint warnings: the CLI shows it without
 * --diff): which migrations will be recorded without running, and which will run.
 */
function reportBaseline(news: MigrationsInputs, pending: Record<string, PendingAction>): void {
  const idsOf = (action: PendingAction) =>
    Object.entries(pending)
      .filter(([, planned]) => planned === action)
      .map(([key]) => news.migrations[key]?.id ?? key);
  const recorded = idsOf("baseline");
  if (recorded.length === 0) return;
  const run = idsOf("apply");
  console.error(
    `Migrations: baseline ${news.baseline}: ${recorded.join(", ")} will be recorded as applied without running` +
      ` (unless already recorded); ${run.length === 0 ? "nothing else will run" : `then ${run.join(", ")} will run`}.`,
  );
}

function connectionFailures(connection: unknown): CheckFailure[] {
  if (isUnknown(connection)) return [];
  const fail = (reason: string): CheckFailure[] => [{ property: "connection", reason }];
  if (!isRecord(connection))
    return fail("connection must be an object with host, port, database, user, password and sslmode, or with url");
  if ("url" in connection) {
    const url = connection.url;
    if (isUnknown(url)) return [];
    if (typeof url !== "string" || !/^postgres(ql)?:\/\//.test(url)) {
      return fail("connection.url must be a postgres:// or postgresql:// URL");
    }
    // The engine's own URL rules, so that preview refuses what `up` would.
    const problem = connectionUrlProblem(url);
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      // Reported below.
    }
    if (problem !== undefined || parsed === undefined) {
      return fail(
        "connection.url cannot be parsed as a URL (it is not shown: it may contain a password): " +
          (problem ?? "percent-encode special characters of the user name and password"),
      );
    }
    const sslmode = parsed.searchParams.get("sslmode");
    if (sslmode !== null && !(sslModes as readonly string[]).includes(sslmode)) {
      return fail(`connection.url has sslmode=${sslmode}: use one of ${sslModes.join(", ")}`);
    }
    return [];
  }
  const failures: CheckFailure[] = [];
  for (const field of ["host", "database", "user"] as const) {
    const value = connection[field];
    if (!isUnknown(value) && (typeof value !== "string" || value.trim() === "")) {
      failures.push({ property: "connection", reason: `connection.${field} must be a non-empty string` });
    }
  }
  const port = connection.port;
  if (!isUnknown(port) && !(Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536)) {
    failures.push({ property: "connection", reason: "connection.port must be an integer between 1 and 65535" });
  }
  if (!isUnknown(connection.password) && typeof connection.password !== "string") {
    failures.push({ property: "connection", reason: "connection.password must be a string" });
  }
  if (!isUnknown(connection.sslmode) && !(sslModes as readonly unknown[]).includes(connection.sslmode)) {
    failures.push({ property: "connection", reason: `connection.sslmode must be one of ${sslModes.join(", ")}` });
  }
  return failures;
}

/** The engine's rules for every option, so that preview fails instead of `pulumi up`. */
function optionFailures(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = migrationOptionProblems(news).map((problem) => ({
    property: problem.option,
    reason: problem.message,
  }));
  if (news.cluster !== undefined && news.cluster !== true) {
    failures.push({ property: "cluster", reason: "cluster must be true, or absent" });
  }
  return failures;
}

/** Each entry as migrationMapOf makes it: version -> { id, file, checksum }. */
function migrationMapFailures(news: Record<string, unknown>): CheckFailure[] {
  const migrations = news.migrations;
  const wellFormed = (entry: unknown) =>
    isRecord(entry) &&
    typeof entry.id === "string" &&
    typeof entry.file === "string" &&
    typeof entry.checksum === "string";
  return isRecord(migrations) && Object.values(migrations).every(wellFormed)
    ? []
    : [
        {
          property: "migrations",
          reason:
            "migrations must map migration versions to their id, file and checksum (the Migrations resource computes it)",
        },
      ];
}

/** The program resolves baseline against the folder (baselineVersion); it must name one of the migrations. */
function baselineFailures(news: Record<string, unknown>): CheckFailure[] {
  const { baseline, baselineVersion, migrations } = news;
  if (baseline === undefined || isUnknown(baseline) || migrationOptions.baseline.problem(baseline) !== undefined) {
    return [];
  }
  if (typeof baselineVersion === "number" && isRecord(migrations) && String(baselineVersion) in migrations) return [];
  return [
    {
      property: "baseline",
      reason: `baseline ${JSON.stringify(baseline)} is not the version of a migration in ${String(news.directory)} (the Migrations resource resolves it): give the version of the newest migration already in the database`,
    },
  ];
}

/** Migrations that earlier updates applied must keep their content: the database already ran it. */
function appliedMigrationFailures(olds: Record<string, unknown>, news: Record<string, unknown>): CheckFailure[] {
  if (!isRecord(olds.migrations) || !isRecord(news.migrations)) return [];
  const directory = String(news.directory);
  const before = readMap(olds.migrations, news.migrations);
  const after = readMap(news.migrations);
  const failures: CheckFailure[] = [];
  for (const [key, applied] of Object.entries(before)) {
    const current = after[key];
    if (current === undefined) {
      failures.push({
        property: "migrations",
        reason:
          `${entryFile(directory, key, applied)} was applied by an earlier update but is no longer in ${directory}. ` +
          "Applied migrations cannot be removed: restore the file, and add a new migration to undo its changes.",
      });
    } else if (current.checksum !== applied.checksum) {
      failures.push({
        property: "migrations",
        reason:
          `${entryFile(directory, key, current)} changed after it was applied (checksum ${shortChecksum(applied.checksum)} ` +
          `when applied, ${shortChecksum(current.checksum)} now). Applied migrations are immutable: restore the applied ` +
          "version and add a new migration with the change instead.",
      });
    }
  }
  return failures;
}

/** Versions in the new inputs that the previous inputs did not list: the migrations this update will add. */
function addedMigrationKeys(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  const before = readMap(olds.migrations, news.migrations);
  return isRecord(news.migrations) ? Object.keys(news.migrations).filter((key) => !(key in before)) : [];
}

/**
 * Checks that apply only to migrations this update adds (earlier ones already ran and cannot change): each entry
 * must be what the resource produces. Their SQL is linted by lintAddedMigrations.
 */
function addedMigrationFailures(news: Record<string, unknown>, added: readonly string[]): CheckFailure[] {
  const migrations = isRecord(news.migrations) ? news.migrations : {};
  const failures: CheckFailure[] = [];
  for (const key of added) {
    const entry = migrations[key];
    const valid =
      /^[1-9]\d*$/.test(key) &&
      Number.isSafeInteger(Number(key)) &&
      isRecord(entry) &&
      /^[0-9a-f]{64}$/.test(String(entry.checksum)) &&
      typeof entry.file === "string" &&
      /^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+\.sql$/i.test(entry.file);
    if (!valid) {
      failures.push({
        property: "migrations",
        reason: `migration "${key}" is not a version -> { id, file, SHA-256 } entry as produced by the Migrations resource`,
      });
    }
  }
  return failures;
}

/** What the update will do with each added migration: up to the baseline it is recorded, after it it runs. */
function pendingActions(news: Record<string, unknown>, added: readonly string[]): Record<string, PendingAction> {
  const baselineVersion = typeof news.baselineVersion === "number" ? news.baselineVersion : undefined;
  return Object.fromEntries(
    added.map((key) => [key, baselineVersion !== undefined && Number(key) <= baselineVersion ? "baseline" : "apply"]),
  );
}

/** What linting the added migrations found: failures in strict mode, warnings in warn mode. */
interface LintOutcome {
  failures: CheckFailure[];
  warnings: string[];
}

/**
 * Lints the migrations this update adds (squawk), as they are on disk now if they still match what the program
 * read (a file changed since is refused by the update anyway). This reads the folder again: the check runs in the
 * provider host, another process than the program that read it.
 * strict: every finding, or a linter that cannot run, fails the check (and the preview). warn: findings are
 * reported and never block. A dynamic provider cannot return warnings, so they go to stderr, which the CLI shows
 * (pulumi/pulumi#18253), and into the checked inputs as `lintWarnings`, which `pulumi preview --diff` shows.
 */
async function lintAddedMigrations(news: MigrationsInputs, added: readonly string[]): Promise<LintOutcome> {
  const mode = news.lint;
  const outcome: LintOutcome = { failures: [], warnings: [] };
  if (mode === "off" || added.length === 0) return outcome;
  let findings: LintFinding[];
  try {
    const set = loadMigrations(migrationsFolder(news.directory), { format: news.format });
    const files = set.migrations.filter((migration) => {
      const key = migrationKey(migration);
      return added.includes(key) && news.migrations[key]?.checksum === migration.up.checksum;
    });
    const squawkPath = process.env.SQUAWK_PATH;
    findings = await lintMigrations(files, {
      strict: mode === "strict",
      sessionSettings: sessionSettingsFor(news),
      platform: news.platform,
      cluster: news.cluster === true,
      ...(squawkPath ? { squawkPath } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (mode === "strict") {
      outcome.failures.push({
        property: "migrations",
        reason:
          `the migrations this update adds could not be linted, and lint is "strict": ${message}. ` +
          'Install the linter with the project (`npm ci` installs squawk-cli), or set lint to "warn".',
      });
    } else {
      outcome.warnings.push(`migration lint did not run: ${message}`);
    }
    return reportLintWarnings(outcome);
  }
  for (const finding of findings) {
    if (mode === "strict") {
      outcome.failures.push({
        property: "migrations",
        reason:
          `${formatLintFinding(finding)} ` +
          `Change the migration, or accept the finding after review with \`-- squawk-ignore ${finding.rule}\` on the line above the statement.`,
      });
    } else {
      outcome.warnings.push(formatLintFinding({ ...finding, level: "warning" }));
    }
  }
  return reportLintWarnings(outcome);
}

function reportLintWarnings(outcome: LintOutcome): LintOutcome {
  for (const warning of outcome.warnings) console.error(`Migrations lint: ${warning}`);
  return outcome;
}

/** The checked inputs: the program's, plus this check's lint warnings and pending actions (only when there are some). */
function checkedInputs(
  news: MigrationsInputs,
  warnings: readonly string[],
  pending: Record<string, PendingAction>,
): MigrationsInputs {
  const { lintWarnings: _previous, pending: _previousPending, ...inputs } = news;
  return {
    ...inputs,
    ...(warnings.length > 0 && { lintWarnings: [...warnings] }),
    ...(Object.keys(pending).length > 0 && { pending }),
  };
}
