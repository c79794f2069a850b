// Supabase serves the tables of its exposed schemas (public by default) through its Data API to anyone holding
// the project's anon key; only row level security stands in the way. A table created in such a schema needs
// ALTER TABLE ... ENABLE ROW LEVEL SECURITY in the same migrations. Not a squawk rule: squawk knows no platform.
import { loadParser, type ParsedSql, type ParsedStatement, parseSql, SqlSyntaxError } from "../sql/parser";
import type { SourceText } from "../sql/source-text";
import type { SqlFile } from "../types";
import type { LintFinding } from "./types";

export const rowLevelSecurityRule = "supabase-require-row-level-security";
/** The schemas Supabase's Data API exposes unless the project's API settings say otherwise. */
export const supabaseDefaultExposedSchemas: readonly string[] = ["public"];
const ruleDocs = "https://supabase.com/docs/guides/database/postgres/row-level-security";

interface Relation {
  schemaname?: string;
  relname?: string;
  relpersistence?: string;
}

interface CreatedTable {
  file: SqlFile;
  source: SourceText;
  statement: ParsedStatement;
  /** schema.table; unqualified names resolve to public, first on Supabase's search path. */
  name: string;
  schema: string;
}

const qualified = (relation: Relation) => `${relation.schemaname ?? "public"}.${relation.relname ?? ""}`;

function createdRelation(statement: ParsedStatement): Relation | undefined {
  if (statement.kind === "CreateStmt") return statement.node.relation as Relation | undefined;
  if (statement.kind === "CreateTableAsStmt" && statement.node.objtype === "OBJECT_TABLE") {
    return (statement.node.into as { rel?: Relation } | undefined)?.rel;
  }
  return undefined;
}

function enablesRowSecurity(statement: ParsedStatement): string | undefined {
  if (statement.kind !== "AlterTableStmt") return undefined;
  const commands = (statement.node.cmds ?? []) as { AlterTableCmd?: { subtype?: string } }[];
  const enables = commands.some((command) =>
    ["AT_EnableRowSecurity", "AT_ForceRowSecurity"].includes(command.AlterTableCmd?.subtype ?? ""),
  );
  return enables ? qualified(statement.node.relation as Relation) : undefined;
}

/**
 * Tables created in an exposed schema of these files without row level security enabled in any of them, as lint
 * findings at their CREATE TABLE. Files that do not parse are left to squawk, which reports the syntax error.
 */
export async function rowLevelSecurityFindings(
  files: readonly SqlFile[],
  exposedSchemas: readonly string[],
  strict: boolean,
): Promise<LintFinding[]> {
  await loadParser();
  const created: CreatedTable[] = [];
  const secured = new Set<string>();
  for (const file of files) {
    let parsed: ParsedSql;
    try {
      parsed = parseSql(file.sql);
    } catch (error) {
      if (error instanceof SqlSyntaxError) continue;
      throw error;
    }
    for (const statement of parsed.statements) {
      const relation = createdRelation(statement);
      if (relation?.relname && relation.relpersistence !== "t") {
        const schema = relation.schemaname ?? "public";
        created.push({ file, source: parsed.source, statement, name: qualified(relation), schema });
      }
      const enabled = enablesRowSecurity(statement);
      if (enabled) secured.add(enabled);
    }
  }
  return created
    .filter((table) => exposedSchemas.includes(table.schema) && !secured.has(table.name))
    .map((table) => finding(table, strict));
}

function finding(table: CreatedTable, strict: boolean): LintFinding {
  const start = table.source.lineColumn(table.statement.start);
  const end = table.source.lineColumn(Math.max(table.statement.start, table.statement.end - 1));
  return {
    displayPath: table.file.displayPath,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    rule: rowLevelSecurityRule,
    message: `Table ${table.name} is created in schema ${table.schema}, which Supabase exposes through its Data API, without row level security: anyone with the project's anon key can read and change it.`,
    help: `Add ALTER TABLE ${table.name} ENABLE ROW LEVEL SECURITY; (and the policies the application needs) to these migrations.`,
    level: strict ? "error" : "warning",
    url: ruleDocs,
  };
}
