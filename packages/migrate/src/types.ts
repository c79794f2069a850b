// Public types of the migration engine. This file is the contract shared by the CLI,
// the Pulumi dynamic provider (infra/migrations) and the tests. No Pulumi import here.

/** Per-file options read from the leading comment block of a migration file. */
export interface MigrationDirectives {
  /** false when the file says it must run outside a transaction (CREATE INDEX CONCURRENTLY, ...). */
  transaction: boolean;
  /** Session settings applied for this migration only (maintenance_work_mem, lock_timeout, ...). */
  settings: Readonly<Record<string, string>>;
}

/** One SQL file on disk (an up file or a down file). */
export interface SqlFile {
  /** Absolute path on this machine. Never put it in Pulumi inputs (it differs per machine). */
  path: string;
  /** Path relative to the migrations directory's parent, for messages, e.g. "migrations/0001_init.sql". */
  displayPath: string;
  sql: string;
  /** SHA-256 hex of the file with CRLF normalised to LF. */
  checksum: string;
  directives: MigrationDirectives;
}

export interface MigrationFile {
  /**
   * The key of the tracking table row, a positive safe integer that orders the migrations: the numeric prefix of
   * the file name ("0003_add_index.sql" has version 3; a Supabase/dbmate/Prisma timestamp is its 14 digits), a
   * drizzle journal entry's `when`, or a packed Flyway version (see files/formats/flyway.ts).
   */
  version: number;
  /** The version as the format writes it, for messages: "0003", "20260203101500", "1.10", drizzle's "0000". */
  versionText: string;
  /** Name part: "add_index". */
  name: string;
  /** File stem, "0003_add_index": the key used in the Pulumi input map. */
  id: string;
  up: SqlFile;
  down?: SqlFile;
}

/** The layouts of migration folders this engine reads (files/formats/). */
export type MigrationFormat = "native" | "drizzle" | "supabase" | "dbmate" | "golang-migrate" | "flyway" | "prisma";

/** How `loadMigrations` reads a directory. */
export interface LoadOptions {
  /** The folder's layout; "auto" (the default) detects it and refuses a folder that matches none or several. */
  format?: MigrationFormat | "auto";
  /** A folder without migrations is an error unless this is true. Default false. */
  allowEmpty?: boolean;
}

/** All migration files of a directory, sorted by version. */
export interface MigrationSet {
  /** Absolute directory path. */
  directory: string;
  /** The format the files were read as. */
  format: MigrationFormat;
  migrations: readonly MigrationFile[];
}

/** A row of the tracking table. */
export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  appliedAt: Date;
  durationMs: number;
  appliedBy: string;
}

export type PlanProblem =
  | {
      kind: "checksum-mismatch";
      severity: "error";
      version: number;
      name: string;
      displayPath: string;
      appliedChecksum: string;
      fileChecksum: string;
      message: string;
    }
  | { kind: "missing-file"; severity: "error"; version: number; name: string; message: string }
  /** importToolLedger: what stops the import of the folder's tool's ledger (a checksum not the file's, ...). */
  | {
      kind: "tool-ledger";
      severity: "error";
      /** Not one migration's problem: the message names the file or the ledger row. */
      version?: undefined;
      message: string;
    }
  | {
      kind: "out-of-order";
      severity: "error" | "warning";
      version: number;
      name: string;
      displayPath: string;
      newestAppliedVersion: number;
      message: string;
    };

export interface Plan {
  applied: readonly AppliedMigration[];
  /**
   * importToolLedger: the migrations the folder's tool recorded in its ledger and the tracking table does not yet,
   * which `up` records as applied (imported) before applying `pending`. Absent without the option.
   */
  toImport?: { tool: string; ledger: string; migrations: readonly MigrationFile[] };
  pending: readonly MigrationFile[];
  problems: readonly PlanProblem[];
  /**
   * What the extension preflight of `up` would find (`plan` only): an extension the pending SQL or
   * requiredExtensions need that is missing, or installed in a schema the migration session's search_path lacks.
   */
  extensionProblems?: readonly ExtensionProblem[];
}

/** An extension a run needs that is missing, or that the SQL cannot find through the search_path. */
export interface ExtensionProblem {
  kind: "extension-missing" | "extension-off-search-path";
  /** "warning": a required extension with types off the search_path that no pending SQL names unqualified. */
  severity: "error" | "warning";
  extension: string;
  /** The schema it is installed in (extension-off-search-path). */
  schema?: string;
  message: string;
}

export type SslMode = "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full" | "no-verify";

/** Connection settings. Either `url` or the discrete fields; discrete fields override the URL's parts. */
export interface ConnectionOptions {
  url?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  sslmode?: SslMode;
  /** Per attempt. Default 10 s. */
  connectTimeoutMs?: number;
  /** Default "pgvector-migrate". */
  applicationName?: string;
}

export interface RetryOptions {
  /** Total attempts for transient connection errors. Default 5. */
  attempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** Which platform the database runs on: only changes the advice in error messages. */
export const platforms = ["azure", "neon", "supabase", "generic"] as const;
export type Platform = (typeof platforms)[number];

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /**
   * A NOTICE, WARNING or INFO the server sent while a migration ran, located to its statement, with DETAIL and
   * HINT lines ("migrations/0003_x.sql:2:1: NOTICE: ivfflat index created with little data\n  DETAIL: ...").
   * Without it, these go to `warn`: they are shown by default.
   */
  notice?(message: string): void;
}

/** The load options are part of the engine options so one object can configure a whole run. */
export interface EngineOptions extends LoadOptions {
  connection: ConnectionOptions;
  /**
   * Tracking table, optionally schema-qualified. Default "pgvector_migrate.schema_migrations"; a
   * public.schema_migrations of an earlier version is moved there by the next `up` or `down`.
   */
  trackingTable?: string;
  /**
   * How long `up`/`down` wait for another runner's advisory lock. Default 60 s. A wall-clock deadline: an
   * attempt the server does not answer (a stalled connection) ends the wait at the deadline as well.
   */
  lockTimeoutMs?: number;
  /**
   * Client-side deadline of each of the engine's own queries (tracking table, lock attempts, preflight,
   * session setup): without an answer in time the connection is closed and the run fails. Default 30 s.
   */
  queryTimeoutMs?: number;
  /**
   * Client-side deadline of one migration round trip (a transactional file, or one statement of a
   * no-transaction file). It bounds a stall that TCP keepalive cannot see (a frozen proxy). 0 = no limit.
   * Default 24 h: index builds may legitimately run for hours.
   */
  migrationTimeoutMs?: number;
  /**
   * Idle time before the first TCP keepalive probe; Node then probes every second, 10 times, so a dead
   * server or network path fails the run after about this + 10 s, even during a long statement. Default 10 s.
   */
  keepAliveDelayMs?: number;
  /** Apply pending migrations older than the newest applied one instead of failing. Default false. */
  allowOutOfOrder?: boolean;
  /**
   * `up` applies the first migrations even when the database already holds tables (outside the system schemas, the
   * tracking table's schema and extensions) while nothing is recorded. Default false: refused (INVALID_TARGET), see
   * `baseline`.
   */
  allowPopulated?: boolean;
  /**
   * `up` first records as applied what the folder's own tool (drizzle-kit, Supabase CLI, dbmate, golang-migrate,
   * Flyway, Prisma) recorded in its ledger, as `importLedger` does, under the same lock. Default false.
   */
  importToolLedger?: boolean;
  /**
   * drizzle-kit and Supabase CLI folders: `up` also records each migration it applies in that tool's ledger, in the
   * migration's transaction, so the tool sees it as applied. Default false.
   */
  keepToolLedger?: boolean;
  /** Extensions that must exist before anything runs, in addition to those the SQL uses (vector). */
  requiredExtensions?: readonly string[];
  platform?: Platform;
  /** Settings applied to every session the engine opens (e.g. search_path on Supabase). */
  sessionSettings?: Readonly<Record<string, string>>;
  /**
   * `up` applies every pending migration in ONE transaction: all of them or none. A pending no-transaction file
   * is an error (INVALID_FILES, nothing run). Default false: one transaction per migration.
   */
  singleTransaction?: boolean;
  retry?: RetryOptions;
  logger?: Logger;
  /**
   * Stops `up`/`down`: the statement running is cancelled on the server (a PostgreSQL cancel request), the
   * migration in progress is rolled back (transactional files), no further migration starts, the lock is
   * released and the call throws INTERRUPTED. Migrations committed before stay applied.
   */
  signal?: AbortSignal;
  /** Called as `up`/`down` progress, e.g. to say what was rolled back and what stays applied on interruption. */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * A migration round trip (a transactional file, or one statement of a no-transaction file) that runs longer than
   * this is reported as "statement-progress" events, read from a second connection opened only then. Default 5 s
   * (options/progress.ts); 0: never.
   */
  progressAfterMs?: number;
  /** Time between two "statement-progress" events of the same round trip. Default: progressAfterMs. */
  progressEveryMs?: number;
}

/** Progress of `up`/`down`, in order: started, (statement...), done, for each migration. */
export type ProgressEvent =
  | {
      kind: "migration-started";
      direction: "up" | "down";
      id: string;
      displayPath: string;
      transactional: boolean;
      statements: number;
    }
  /** No-transaction files only: statement `ordinal` (0-based) starts; those before it have completed. */
  | { kind: "statement-started"; id: string; ordinal: number; line: number }
  /** The migration (up) or its revert (down) committed together with its tracking row. */
  | { kind: "migration-done"; direction: "up" | "down"; result: AppliedResult }
  /** A round trip still running after progressAfterMs, then every progressEveryMs (see StatementProgress). */
  | StatementProgress;

/** What a long-running migration statement is doing, as a second connection sees it. */
export interface StatementProgress {
  kind: "statement-progress";
  id: string;
  displayPath: string;
  /** Line of the statement running: no-transaction files only (a transactional file runs as one script). */
  line?: number;
  /** Since the round trip started (a transactional file runs as one). */
  elapsedMs: number;
  /** pg_stat_activity's wait_event_type and wait_event, when the backend waits. */
  wait?: { type: string; event: string };
  /** The lock the statement waits for (pg_locks, not granted) and who holds it (pg_blocking_pids). */
  lock?: { locktype: string; mode: string; relation?: string; blockedBy: number[] };
  /** An index build: pg_stat_progress_create_index. */
  index?: {
    command: string;
    phase: string;
    /** The index and its table, once the server knows them. */
    name?: string;
    table?: string;
    blocksDone: number;
    blocksTotal: number;
    tuplesDone: number;
    tuplesTotal: number;
    /** Of blocks, else of tuples, when a total is known. */
    percent?: number;
  };
  /** The event as one line, e.g. "migrations/0003_idx.sql:2: CREATE INDEX CONCURRENTLY docs_hnsw on docs: building index: loading tuples in tree, 1200 of 5000 tuples (24%), 12 s". */
  message: string;
}

export interface AppliedResult {
  version: number;
  name: string;
  id: string;
  checksum: string;
  durationMs: number;
}

export interface UpResult {
  applied: readonly AppliedResult[];
  /** Invalid indexes left by failed concurrent builds that were dropped before retrying. */
  droppedInvalidIndexes: readonly string[];
  /** The tracking table after the run. */
  state: readonly AppliedMigration[];
}

export interface BaselineResult {
  /** The migrations recorded as applied by this call (durationMs 0); empty when all were recorded already. */
  baselined: readonly AppliedResult[];
  /** The tracking table after the run. */
  state: readonly AppliedMigration[];
}

export interface ImportResult {
  /** The tool whose ledger was read, e.g. "drizzle-kit". */
  tool: string;
  /** Its ledger table, e.g. "drizzle.__drizzle_migrations". */
  ledger: string;
  /** The migrations recorded as applied by this call (durationMs 0); empty when all were recorded already. */
  imported: readonly AppliedResult[];
  /** The tracking table after the run. */
  state: readonly AppliedMigration[];
}

export interface DownResult {
  reverted: readonly AppliedResult[];
  state: readonly AppliedMigration[];
}

/** Machine-readable error codes. Every error the engine throws is a MigrateError with one of these. */
export type MigrateErrorCode =
  | "INVALID_FILES" // bad names, duplicates, orphan down files, bad directives, SQL that cannot run as declared
  | "PLAN_PROBLEMS" // checksum mismatch, missing file, out of order
  | "CONNECTION_FAILED"
  | "LOCK_TIMEOUT"
  | "EXTENSION_MISSING"
  | "MIGRATION_FAILED"
  | "DOWN_MISSING"
  | "INVALID_TARGET"
  | "INVALID_OPTIONS"
  | "INTERRUPTED"; // the run was stopped through EngineOptions.signal
