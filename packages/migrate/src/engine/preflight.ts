// Extension preflight: before anything runs, check that the extensions the pending SQL needs exist, and say
// what to do on each platform, instead of letting PostgreSQL fail with `type "vector" does not exist`.
import type { Database } from "../db/database";
import { quoteLiteral } from "../db/quote";
import { MigrateError } from "../errors";
import { createdExtension, usesVector } from "../sql/analyze";
import type { Platform } from "../types";
import type { CheckedFile } from "./check-sql";

interface Need {
  extension: string;
  /** Where it is first needed, e.g. "migrations/0002_chunks.sql:7:3", or "requiredExtensions". */
  reason: string;
}

/** Extensions the files need before they run: vector when used before a migration creates it, plus required ones. */
function neededExtensions(files: readonly CheckedFile[], required: readonly string[]): Need[] {
  const needs: Need[] = required.map((extension) => ({ extension, reason: "the engine options (requiredExtensions)" }));
  if (required.includes("vector")) return needs;
  for (const { file, parsed } of files) {
    for (const statement of parsed.statements) {
      if (createdExtension(statement) === "vector") return needs;
      if (usesVector(statement)) {
        const { line, column } = parsed.source.lineColumn(statement.start);
        needs.push({ extension: "vector", reason: `${file.displayPath}:${line}:${column}` });
        return needs;
      }
    }
  }
  return needs;
}

export async function checkExtensions(
  database: Database,
  files: readonly CheckedFile[],
  required: readonly string[],
  platform: Platform,
): Promise<void> {
  const needs = neededExtensions(files, required);
  if (needs.length === 0) return;
  const names = needs.map((need) => quoteLiteral(need.extension)).join(", ");
  const result = await database.query<{
    name: string;
    installed: string | null;
    available: string | null;
    database: string;
    azure_extensions: string | null;
  }>(
    `SELECT n.name,
            (SELECT e.extversion FROM pg_extension e WHERE e.extname = n.name) AS installed,
            (SELECT a.default_version FROM pg_available_extensions a WHERE a.name = n.name) AS available,
            current_database() AS database,
            current_setting('azure.extensions', true) AS azure_extensions
       FROM unnest(ARRAY[${names}]::text[]) AS n(name)`,
  );
  const missing = result.rows.filter((row) => row.installed === null);
  if (missing.length === 0) return;
  const paragraphs = missing.map((row) => {
    const need = needs.find((candidate) => candidate.extension === row.name);
    const label = row.name === "vector" ? `"vector" (pgvector)` : `"${row.name}"`;
    const availability =
      row.available === null
        ? `This server does not offer it at all (it is not in pg_available_extensions).`
        : `The server offers version ${row.available}.`;
    return `The PostgreSQL extension ${label} is needed by ${need?.reason ?? "the migrations"} but is not installed in database "${row.database}" on ${database.target}. ${availability} ${platformAdvice(platform, row.name, row.azure_extensions)}`;
  });
  throw new MigrateError("EXTENSION_MISSING", `${paragraphs.join("\n")}\nNothing was run.`, {
    missing: missing.map((row) => row.name),
    platform,
  });
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
