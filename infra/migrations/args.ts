import type * as pulumi from "@pulumi/pulumi";
import type { LintMode, MigrationOptions, OnDelete, OptionNames, SslMode } from "pgvector-migrate";

export type { MigrationsInputs, MigrationsOutputs } from "pgvector-migrate";

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

export type MigrationsOnDelete = OnDelete;
export type MigrationsLint = LintMode;

/**
 * The engine's migration options (pgvector-migrate's MigrationOptions: names, defaults and rules are defined there
 * and documented in docs/pulumi-resource.md), of which only `directory` is required, plus the connection.
 * `directory` is relative to the Pulumi project directory, where Pulumi.yaml is (absolute paths are made relative
 * to it).
 */
export type MigrationsArgs = Partial<MigrationOptions> & {
  directory: string;
  /** Where to apply the migrations. Always stored as a Pulumi secret. */
  connection: pulumi.Input<MigrationsConnection | MigrationsConnectionUrl>;
  /**
   * The database is a Citus cluster (an Azure elastic cluster): the lint also flags tables with a vector column the
   * migrations never distribute (citus-undistributed-vector-table). Default false.
   */
  cluster?: boolean;
  /**
   * How the caller's configuration names the options, e.g. { baseline: "migrationsBaseline" } in the stack: the
   * resource's advice (a populated database) then names these instead of the resource's options.
   */
  settingNames?: OptionNames;
};
