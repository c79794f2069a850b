// Extension preflight: before anything runs, check that the extensions the pending SQL needs exist, and that the
// SQL can find pgvector's names through the search_path, and say what to do on each platform, instead of letting
// PostgreSQL fail with `type "vector" does not exist`.
import type { Database } from "../db/database";
import { quoteLiteral } from "../db/quote";
import { MigrateError } from "../errors";
import { createdExtension, usesVector, usesVectorThroughSearchPath } from "../sql/analyze";
import { parseSearchPath, searchPathSet } from "../sql/citus";
import type { ExtensionProblem, Logger, Platform } from "../types";
import type { CheckedFile } from "./check-sql";
import type { ResolvedOptions } from "./options";

interface Need {
  extension: string;
  /** Where it is first needed, e.g. "migrations/0002_chunks.sql:7:3", or "requiredExtensions". */
  reason: string;
  /**
   * The first use that names the extension's objects without a schema, and the search_path in effect there:
   * schema names, or undefined for the session's default. Absent when every use is schema-qualified.
   */
  lookup?: { at: string; searchPath: string[] | undefined };
}

/** What the preflight needs besides the files: the options of the run. */
export interface PreflightOptions {
  required: readonly string[];
  platform: Platform;
  /** The search_path the engine sets on its sessions (sessionSettings.search_path); undefined: the server's. */
  searchPath?: string;
}

export function preflightOptions(options: ResolvedOptions): PreflightOptions {
  return {
    required: options.requiredExtensions,
    platform: options.platform,
    ...(options.sessionSettings.search_path !== undefined && { searchPath: options.sessionSettings.search_path }),
  };
}

/** Extensions the files need before they run: vector when used before a migration creates it, plus required ones. */
function neededExtensions(files: readonly CheckedFile[], options: PreflightOptions): Need[] {
  const needs: Need[] = options.required.map((extension) => ({
    extension,
    reason: "the engine options (requiredExtensions)",
  }));
  const vector = vectorNeed(files, options.searchPath);
  if (!vector) return needs;
  const required = needs.find((need) => need.extension === "vector");
  if (!required) return [...needs, vector];
  if (vector.lookup) required.lookup = vector.lookup;
  return needs;
}

/** The first use of pgvector before a migration creates it, with its first use through the search_path. */
function vectorNeed(files: readonly CheckedFile[], sessionSearchPath: string | undefined): Need | undefined {
  let need: Need | undefined;
  for (const { file, parsed } of files) {
    const configured = file.directives.settings.search_path ?? sessionSearchPath;
    let searchPath = configured === undefined ? undefined : parseSearchPath(configured);
    for (const statement of parsed.statements) {
      if (createdExtension(statement) === "vector") return need;
      const set = searchPathSet(statement);
      // SET search_path TO DEFAULT and RESET go back to the session's default, the server's.
      if (set) searchPath = set.length > 0 ? set.flatMap(parseSearchPath) : undefined;
      if (!usesVector(statement)) continue;
      const { line, column } = parsed.source.lineColumn(statement.start);
      const at = `${file.displayPath}:${line}:${column}`;
      need ??= { extension: "vector", reason: at };
      if (usesVectorThroughSearchPath(statement)) {
        need.lookup = { at, searchPath };
        return need;
      }
    }
  }
  return need;
}

interface ExtensionRow {
  name: string;
  installed: string | null;
  schema: string | null;
  has_types: boolean;
  available: string | null;
  database: string;
  azure_extensions: string | null;
  current_user: string;
  search_path: string;
  effective_path: string[];
}

/** Every problem with the extensions the files need, as the session of this connection sees them. */
export async function extensionProblems(
  database: Database,
  files: readonly CheckedFile[],
  options: PreflightOptions,
): Promise<ExtensionProblem[]> {
  const needs = neededExtensions(files, options);
  if (needs.length === 0) return [];
  const names = needs.map((need) => quoteLiteral(need.extension)).join(", ");
  const result = await database.query<ExtensionRow>(
    `SELECT n.name, e.extversion AS installed, s.nspname AS schema,
            EXISTS (SELECT 1 FROM pg_depend d
                     WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
                       AND d.classid = 'pg_type'::regclass AND d.deptype = 'e') AS has_types,
            (SELECT a.default_version FROM pg_available_extensions a WHERE a.name = n.name) AS available,
            current_database() AS database,
            current_setting('azure.extensions', true) AS azure_extensions,
            current_user AS current_user,
            current_setting('search_path') AS search_path,
            current_schemas(true)::text[] AS effective_path
       FROM unnest(ARRAY[${names}]::text[]) AS n(name)
       LEFT JOIN pg_extension e ON e.extname = n.name
       LEFT JOIN pg_namespace s ON s.oid = e.extnamespace`,
  );
  const sessionPath = options.searchPath === undefined ? undefined : parseSearchPath(options.searchPath);
  const problems: ExtensionProblem[] = [];
  for (const row of result.rows) {
    const need = needs.find((candidate) => candidate.extension === row.name);
    if (!need) continue;
    if (row.installed === null) {
      problems.push({
        kind: "extension-missing",
        severity: "error",
        extension: row.name,
        message: missingMessage(row, need, database.target, options.platform),
      });
      continue;
    }
    const schema = row.schema ?? "";
    if (need.lookup) {
      if (!onSearchPath(schema, need.lookup.searchPath, row)) {
        problems.push(offPathProblem(row, schema, need.lookup, "error"));
      }
    } else if (row.has_types && !onSearchPath(schema, sessionPath, row)) {
      problems.push(offPathProblem(row, schema, { at: need.reason, searchPath: undefined }, "warning"));
    }
  }
  return problems;
}

/** Throws EXTENSION_MISSING for every error, and logs the warnings; nothing has run yet. */
export async function checkExtensions(
  database: Database,
  files: readonly CheckedFile[],
  options: PreflightOptions,
  logger: Logger,
): Promise<void> {
  const problems = await extensionProblems(database, files, options);
  for (const problem of problems) if (problem.severity === "warning") logger.warn(problem.message);
  const errors = problems.filter((problem) => problem.severity === "error");
  if (errors.length === 0) return;
  const notOnSearchPath = errors.filter((problem) => problem.kind === "extension-off-search-path");
  throw new MigrateError(
    "EXTENSION_MISSING",
    `${errors.map((problem) => problem.message).join("\n")}\nNothing was run.`,
    {
      missing: errors.filter((problem) => problem.kind === "extension-missing").map((problem) => problem.extension),
      ...(notOnSearchPath.length > 0 && {
        notOnSearchPath: notOnSearchPath.map((problem) => `${problem.extension} (schema ${problem.schema})`),
      }),
      platform: options.platform,
    },
  );
}

function missingMessage(row: ExtensionRow, need: Need, target: string, platform: Platform): string {
  const availability =
    row.available === null
      ? `This server does not offer it at all (it is not in pg_available_extensions).`
      : `The server offers version ${row.available}.`;
  return `The PostgreSQL extension ${label(row.name)} is needed by ${need.reason} but is not installed in database "${row.database}" on ${target}. ${availability} ${platformAdvice(platform, row.name, row.azure_extensions)}`;
}

function label(extension: string): string {
  return extension === "vector" ? `"vector" (pgvector)` : `"${extension}"`;
}

/** Whether `schema` is on the search_path: the given schema names ($user as the session's user), or the session's. */
function onSearchPath(schema: string, searchPath: readonly string[] | undefined, row: ExtensionRow): boolean {
  if (schema === "pg_catalog") return true;
  if (searchPath === undefined) return row.effective_path.includes(schema);
  return searchPath.some((entry) => (entry === "$user" ? row.current_user : entry) === schema);
}

function offPathProblem(
  row: ExtensionRow,
  schema: string,
  lookup: { at: string; searchPath: string[] | undefined },
  severity: "error" | "warning",
): ExtensionProblem {
  const current = lookup.searchPath?.join(", ") ?? row.search_path;
  const base = lookup.searchPath ?? row.effective_path.filter((entry) => !/^pg_(catalog$|temp)/.test(entry));
  const fixed = [...base.filter((entry) => entry !== schema), schema];
  const consequence =
    severity === "error"
      ? `; ${lookup.at} names its objects without a schema, so PostgreSQL would fail there with \`type "vector" does not exist\` (or function or operator class does not exist)`
      : `, so SQL that names its types without a schema fails with \`type ... does not exist\``;
  return {
    kind: "extension-off-search-path",
    severity,
    extension: row.name,
    schema,
    message:
      `The PostgreSQL extension ${label(row.name)} is installed in schema "${schema}" of database "${row.database}", which is not on the search_path of the migration session (${current})${consequence}. ` +
      `Put "${schema}" on the search_path of the migrations: ${searchPathFix(fixed)}; or qualify the names (${schema}.${row.name === "vector" ? "vector(3)" : "<type>"}).`,
  };
}

/** The ways to set the migrations' search_path to `schemas`. */
function searchPathFix(schemas: readonly string[]): string {
  const list = schemas.join(", ");
  return `set it to "${list}" (CLI --search-path ${schemas.join(",")}; stack setting migrationsSearchPath ${JSON.stringify(schemas)}; the Migrations resource's searchPath; the engine's sessionSettings.search_path), or in the file: -- migrate:set search_path = '${list}'`;
}

export function platformAdvice(platform: Platform, extension: string, azureExtensions?: string | null): string {
  switch (platform) {
    case "azure": {
      const current = azureExtensions ? ` (currently "${azureExtensions}")` : "";
      return `On Azure Database for PostgreSQL flexible server, first allow it: add ${extension.toUpperCase()} to the server parameter azure.extensions${current}, keeping the values already there (az postgres flexible-server parameter set --name azure.extensions --value <list> ...), then run CREATE EXTENSION IF NOT EXISTS ${extension}; in this database.`;
    }
    case "supabase":
      return `On Supabase, create it in the extensions schema: CREATE EXTENSION IF NOT EXISTS ${extension} WITH SCHEMA extensions; (or Dashboard > Database > Extensions).`;
    case "neon":
      return `On Neon, run CREATE EXTENSION IF NOT EXISTS ${extension}; as the database owner.`;
    default:
      return `Run CREATE EXTENSION IF NOT EXISTS ${extension}; as a user allowed to create it (the database owner for trusted extensions, otherwise a superuser)${extension === "vector" ? "; if the server lacks pgvector, install it first (https://github.com/pgvector/pgvector#installation)" : ""}.`;
  }
}
