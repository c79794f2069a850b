// The lint rule for migrations that target a Citus cluster (LintOptions.cluster): a table with a pgvector column
// that the migrations never distribute stays a local table on the coordinator, where it neither scales out nor
// joins distributed tables. Read from the SQL only: nothing here asks a Citus server.

import {
  booleanSet,
  createdSchema,
  createdTable,
  createdVectorTable,
  distributedSchemas,
  distributedTables,
  droppedTables,
  isOn,
  parseSearchPath,
  schemaDistributingFunction,
  schemaShardingSetting,
  searchPathSet,
  type TableName,
  tableDistributingFunctions,
  vectorColumnAddedTo,
} from "../sql/citus";
import { loadParser, type ParsedStatement, parseSql } from "../sql/parser";
import type { SourceText } from "../sql/source-text";
import type { SqlFile } from "../types";
import { clusterRule, ruleUrl } from "./rules";
import type { LintFinding } from "./types";

const defaultSearchPath = '"$user", public';

interface VectorTable {
  file: SqlFile;
  source: SourceText;
  statement: ParsedStatement;
  name: TableName;
  qualified: string;
}

/**
 * Findings for every table created in `files` (in order) with a pgvector column, or given one later in the set,
 * that the set neither distributes (create_distributed_table[_concurrently], create_reference_table) nor puts
 * in a distributed schema (citus_schema_distribute, or created while citus.enable_schema_based_sharding is on).
 * Unqualified names resolve to the first schema of the search_path in effect (directive, session settings or
 * SET search_path earlier in the file). Files the parser rejects are left to squawk's syntax-error finding.
 */
export async function clusterFindings(
  files: readonly SqlFile[],
  sessionSettings: Readonly<Record<string, string>> = {},
): Promise<LintFinding[]> {
  await loadParser();
  const tables = new Map<string, { vector?: VectorTable }>();
  const distributed = new Set<string>();
  const schemas = new Set<string>();

  for (const file of files) {
    let parsed: ReturnType<typeof parseSql>;
    try {
      parsed = parseSql(file.sql);
    } catch {
      continue;
    }
    let searchPath = parseSearchPath(
      file.directives.settings.search_path ?? sessionSettings.search_path ?? defaultSearchPath,
    );
    let schemaSharding = isOn(sessionSettings[schemaShardingSetting] ?? "off");
    const qualify = (name: TableName) => `${name.schema ?? currentSchema(searchPath)}.${name.table}`;

    for (const statement of parsed.statements) {
      searchPath = searchPathSet(statement) ?? searchPath;
      schemaSharding = booleanSet(statement, schemaShardingSetting) ?? schemaSharding;
      const schema = createdSchema(statement);
      if (schema !== undefined && schemaSharding) schemas.add(schema);
      for (const name of distributedSchemas(statement)) schemas.add(name);
      for (const name of distributedTables(statement)) distributed.add(qualify(name));
      for (const name of droppedTables(statement)) tables.delete(qualify(name));

      const created = createdTable(statement);
      if (created) tables.set(qualify(created), {});
      const vectorName = createdVectorTable(statement) ?? vectorColumnAddedTo(statement);
      const entry = vectorName && tables.get(qualify(vectorName));
      if (vectorName && entry && !entry.vector) {
        entry.vector = { file, source: parsed.source, statement, name: vectorName, qualified: qualify(vectorName) };
      }
    }
  }

  return [...tables.values()]
    .flatMap((entry) => (entry.vector ? [entry.vector] : []))
    .filter((table) => !distributed.has(table.qualified) && !schemas.has(table.qualified.split(".")[0] ?? ""))
    .filter((table) => !ignored(table))
    .map(toFinding);
}

/** The first schema of a search_path that a CREATE can use ("$user" has no schema of that name here). */
function currentSchema(searchPath: readonly string[]): string {
  return searchPath.find((schema) => schema !== "$user") ?? "public";
}

/** `-- squawk-ignore <rules>` among the comment lines right above the statement, as squawk reads it. */
function ignored(table: VectorTable): boolean {
  const before = table.file.sql.slice(0, table.statement.start).split(/\r\n|\r|\n/);
  before.pop();
  for (let line = before.pop(); line !== undefined && /^\s*--/.test(line); line = before.pop()) {
    const match = /^\s*--\s*squawk-ignore\s+(.+)$/.exec(line);
    if (match?.[1]?.split(",").some((rule) => rule.trim() === clusterRule)) return true;
  }
  return false;
}

function toFinding(table: VectorTable): LintFinding {
  const start = table.source.lineColumn(table.statement.start);
  const end = table.source.lineColumn(table.statement.end - 1);
  return {
    displayPath: table.file.displayPath,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    rule: clusterRule,
    message: `Table ${table.qualified} has a vector column but the migrations never distribute it: on a Citus cluster it stays a local table on the coordinator, which neither scales out nor joins distributed tables.`,
    help: `Distribute it in the migrations, e.g. SELECT create_distributed_table('${table.qualified}', '<distribution column>'); (${tableDistributingFunctions.join(", ")} and ${schemaDistributingFunction} count).`,
    level: "error",
    url: ruleUrl(clusterRule),
  };
}
