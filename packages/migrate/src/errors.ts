import type { MigrateErrorCode } from "./types";

/** Structured facts about a failure, for machine-readable output (never contains secrets). */
export interface MigrateErrorDetails {
  /** One entry per problem when several are reported at once (INVALID_FILES, PLAN_PROBLEMS, DOWN_MISSING). */
  problems?: readonly string[];
  /** The migration file at fault, e.g. "migrations/0003_x.sql". */
  file?: string;
  line?: number;
  column?: number;
  /** PostgreSQL SQLSTATE of the underlying error. */
  sqlstate?: string;
  [key: string]: unknown;
}

/** Every error the engine throws. `code` is machine-readable; `message` says what is wrong and what to do. */
export class MigrateError extends Error {
  override readonly name = "MigrateError";
  readonly code: MigrateErrorCode;
  readonly details: MigrateErrorDetails;

  constructor(code: MigrateErrorCode, message: string, details: MigrateErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

export function isMigrateError(error: unknown): error is MigrateError {
  return error instanceof MigrateError;
}

/** Builds one error that lists several problems, each on its own line. */
export function problemsError(code: MigrateErrorCode, headline: string, problems: readonly string[]): MigrateError {
  const message = `${headline}\n${problems.map((problem) => `  - ${problem}`).join("\n")}`;
  return new MigrateError(code, message, { problems });
}
