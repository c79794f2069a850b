// Public types of the migration linter (squawk). No Pulumi import here.
import type { Platform } from "../types";

export type LintLevel = "error" | "warning";

/** One problem squawk found in a migration file. Positions are 1-based, in characters. */
export interface LintFinding {
  /** The file, as SqlFile.displayPath: "migrations/0003_add_index.sql". */
  displayPath: string;
  line: number;
  column: number;
  /** Last character of the flagged text (inclusive). */
  endLine: number;
  endColumn: number;
  /** squawk rule name, e.g. "require-concurrent-index-creation"; "syntax-error" for SQL squawk cannot parse. */
  rule: string;
  message: string;
  /** What to do instead, when squawk says. */
  help?: string;
  /** "error" for syntax errors, and for every finding in strict mode. */
  level: LintLevel;
  /** The rule's documentation. */
  url: string;
}

export interface LintOptions {
  /**
   * squawk rules to skip. Default: DEFAULT_EXCLUDED_RULES. A list given here replaces the default;
   * spread DEFAULT_EXCLUDED_RULES into it to extend the default instead.
   */
  excludedRules?: readonly string[];
  /** Opt-in squawk rules to turn on, e.g. "require-table-schema". */
  includedRules?: readonly string[];
  /** PostgreSQL version of the target database, e.g. 17 or "16.4": some rules depend on it. Default: the newest. */
  pgVersion?: number | string;
  /** Every finding becomes an error (for production). Default false. */
  strict?: boolean;
  /**
   * Settings every migration session already gets (EngineOptions.sessionSettings). A non-zero lock_timeout
   * here (or in a file's `-- migrate:set lock_timeout` directive) satisfies require-lock-timeout, and the same
   * for statement_timeout and require-statement-timeout.
   */
  sessionSettings?: Readonly<Record<string, string>>;
  /**
   * The target is a Citus cluster (Azure Database for PostgreSQL elastic cluster): also flag tables with a vector
   * column that the files never distribute (rule citus-undistributed-vector-table, always an error). Default false.
   */
  cluster?: boolean;
  /** Path to a squawk executable. Default: the binary installed with the squawk-cli package. */
  squawkPath?: string;
  /** The target platform: "supabase" adds the rule supabase-require-row-level-security. */
  platform?: Platform;
  /** Supabase: the schemas its Data API exposes (API settings). Default ["public"]. */
  exposedSchemas?: readonly string[];
}
