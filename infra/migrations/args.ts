import type * as pulumi from "@pulumi/pulumi";
import type { Platform, SslMode } from "pgvector-migrate";

/** Discrete connection settings for the database the migrations run in. */
export interface MigrationsConnection {
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  database: pulumi.Input<string>;
  user: pulumi.Input<string>;
  password: pulumi.Input<string>;
  sslmode: pulumi.Input<SslMode>;
}

/** A `postgres://user:password@host:port/database?sslmode=...` URL (Neon and Supabase hand these out). */
export interface MigrationsConnectionUrl {
  url: pulumi.Input<string>;
}

export type MigrationsOnDelete = "keep" | "down";

/**
 * How `pulumi preview` and `up` lint the migrations an update adds (squawk): "off"; "warn" (default): findings are
 * shown, nothing is blocked; "strict": every finding, or a linter that cannot run, fails the preview.
 */
export type MigrationsLint = "off" | "warn" | "strict";

export interface MigrationsArgs {
  /** Where to apply the migrations. Always stored as a Pulumi secret. */
  connection: pulumi.Input<MigrationsConnection | MigrationsConnectionUrl>;
  /**
   * Migrations directory, relative to the Pulumi project directory, where Pulumi.yaml is (absolute paths are made
   * relative to it).
   */
  directory: string;
  /** Tracking table, optionally schema-qualified. Default "public.schema_migrations". */
  trackingTable?: string;
  /** How long to wait for another runner's migration lock. Default 60. */
  lockTimeoutSeconds?: number;
  /** Apply a pending migration older than the newest applied one instead of failing. Default false. */
  allowOutOfOrder?: boolean;
  /**
   * What `pulumi destroy` (or removing the resource) does to the database. Default "keep": nothing, no connection
   * needed. "down": runs every down migration, newest first, until nothing is applied.
   */
  onDelete?: MigrationsOnDelete;
  /** Only changes the advice in error messages. Default "generic". */
  platform?: Platform;
  /** search_path for the migration sessions, e.g. ["public", "extensions"] on Supabase. Default: the server's. */
  searchPath?: string[];
  /** Extensions that must exist before anything runs, in addition to those the SQL uses. */
  requiredExtensions?: string[];
  /**
   * Longest a single migration statement may run before PostgreSQL cancels it (`statement_timeout`), and the
   * resource's create/update customTimeouts. Default 120 (HNSW index builds on large tables take long). 0: no limit.
   * A migration file's `-- migrate:set statement_timeout = '...'` directive overrides it for that file.
   */
  timeoutMinutes?: number;
  /** Lint of the migrations an update adds. Default "warn". */
  lint?: MigrationsLint;
  /**
   * The database is a Citus cluster (an Azure elastic cluster): the lint also flags tables with a vector column the
   * migrations never distribute (citus-undistributed-vector-table). Default false.
   */
  cluster?: boolean;
}

/** The connection as the provider receives it (all Inputs resolved). */
export type ResolvedConnection =
  | { host: string; port: number; database: string; user: string; password: string; sslmode: SslMode }
  | { url: string };

/**
 * The resource's inputs as stored in the Pulumi state. Nothing here may vary between machines or runs:
 * `migrations` is the only part that changes when a migration file is added.
 */
export interface MigrationsInputs {
  connection: ResolvedConnection;
  /** Relative to the project directory (where Pulumi.yaml is), with forward slashes. */
  directory: string;
  /** Migration id ("0001_init") -> SHA-256 of the file, as read by the program. */
  migrations: Record<string, string>;
  trackingTable: string;
  lockTimeoutSeconds: number;
  allowOutOfOrder: boolean;
  onDelete: MigrationsOnDelete;
  platform: Platform;
  searchPath?: string[];
  requiredExtensions: string[];
  timeoutMinutes: number;
  lint: MigrationsLint;
  /** Present (true) only for a Citus cluster; see MigrationsArgs.cluster. */
  cluster?: true;
  /**
   * Set by the provider's check in warn mode: the lint findings of the migrations this update adds, one formatted
   * line each (`migrations/0003_x.sql:1:1: warning <rule>: ...`), so that `pulumi preview --diff` shows them.
   * Never compared by diff, and not kept in the outputs.
   */
  lintWarnings?: string[];
}

export interface MigrationsOutputs extends Omit<MigrationsInputs, "lintWarnings"> {
  /** The tracking table as last read: migration id -> checksum recorded when it was applied. */
  applied: Record<string, string>;
  appliedCount: number;
  /** Version of the newest applied migration; 0 when none is applied. */
  latestVersion: number;
  /** Id of the newest applied migration; "" when none is applied. */
  latestMigration: string;
  /** Ids applied by the most recent create or update. */
  newlyApplied: string[];
}
