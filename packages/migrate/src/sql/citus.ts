// What a statement does that matters on a Citus cluster (Azure Database for PostgreSQL elastic clusters), read
// from the parse tree only: tables created with a vector column, and the calls and settings that distribute a
// table or a schema. Nothing here reads the Citus catalogs.
import { vectorTypes } from "./analyze";
import type { ParsedStatement } from "./parser";
import { isRecord, lastName, stringList, walk } from "./tree";

/** A table as a statement names it; schema undefined when unqualified (resolved through search_path). */
export interface TableName {
  schema?: string;
  table: string;
}

/** Citus functions whose first argument (`table_name`) becomes a distributed or reference table. */
export const tableDistributingFunctions: readonly string[] = [
  "create_distributed_table",
  "create_distributed_table_concurrently",
  "create_reference_table",
];

/** Citus function whose first argument (`schemaname`) becomes a distributed schema, with every table in it. */
export const schemaDistributingFunction = "citus_schema_distribute";

/** While on, every schema created is a distributed schema (Citus 12+ schema-based sharding). */
export const schemaShardingSetting = "citus.enable_schema_based_sharding";

/** The table a CREATE TABLE makes when one of its columns is a pgvector type. */
export function createdVectorTable(statement: ParsedStatement): TableName | undefined {
  const table = createdTable(statement);
  if (!table) return undefined;
  const elements = Array.isArray(statement.node.tableElts) ? statement.node.tableElts : [];
  return elements.some((element) => isRecord(element) && isVectorColumn(element.ColumnDef)) ? table : undefined;
}

/** The table a CREATE TABLE makes (not CREATE TABLE AS). */
export function createdTable(statement: ParsedStatement): TableName | undefined {
  return statement.kind === "CreateStmt" ? rangeVarName(statement.node.relation) : undefined;
}

/** The table an ALTER TABLE gives a pgvector column (ADD COLUMN ... vector(n)). */
export function vectorColumnAddedTo(statement: ParsedStatement): TableName | undefined {
  if (statement.kind !== "AlterTableStmt" || statement.node.objtype !== "OBJECT_TABLE") return undefined;
  const commands = Array.isArray(statement.node.cmds) ? statement.node.cmds : [];
  const adds = commands.some((command) => {
    const cmd = isRecord(command) && isRecord(command.AlterTableCmd) ? command.AlterTableCmd : {};
    return cmd.subtype === "AT_AddColumn" && isRecord(cmd.def) && isVectorColumn(cmd.def.ColumnDef);
  });
  return adds ? rangeVarName(statement.node.relation) : undefined;
}

/** Tables a DROP TABLE removes. */
export function droppedTables(statement: ParsedStatement): TableName[] {
  if (statement.kind !== "DropStmt" || statement.node.removeType !== "OBJECT_TABLE") return [];
  const objects = Array.isArray(statement.node.objects) ? statement.node.objects : [];
  return objects.flatMap((object) => {
    const names = isRecord(object) && isRecord(object.List) ? stringList(object.List.items) : [];
    const table = names[names.length - 1];
    if (table === undefined) return [];
    const schema = names.length > 1 ? names[names.length - 2] : undefined;
    return [{ ...(schema !== undefined && { schema }), table }];
  });
}

/** Tables passed to create_distributed_table, create_distributed_table_concurrently or create_reference_table. */
export function distributedTables(statement: ParsedStatement): TableName[] {
  return firstLiteralArguments(statement, tableDistributingFunctions, "table_name").flatMap((text) => {
    const names = splitQualifiedName(text);
    const table = names?.[names.length - 1];
    if (!names || table === undefined || names.length > 2) return [];
    return [{ ...(names.length === 2 && { schema: names[0] }), table }];
  });
}

/** Schemas passed to citus_schema_distribute. */
export function distributedSchemas(statement: ParsedStatement): string[] {
  return firstLiteralArguments(statement, [schemaDistributingFunction], "schemaname").flatMap((text) => {
    const names = splitQualifiedName(text);
    return names?.length === 1 && names[0] !== undefined ? [names[0]] : [];
  });
}

/** The schema a CREATE SCHEMA makes. */
export function createdSchema(statement: ParsedStatement): string | undefined {
  return statement.kind === "CreateSchemaStmt" && typeof statement.node.schemaname === "string"
    ? statement.node.schemaname
    : undefined;
}

/** true/false when the statement sets `name` (SET or SET LOCAL) to on/off; undefined when it does not set it. */
export function booleanSet(statement: ParsedStatement, name: string): boolean | undefined {
  if (statement.kind !== "VariableSetStmt" || String(statement.node.name ?? "").toLowerCase() !== name) {
    return undefined;
  }
  if (statement.node.kind !== "VAR_SET_VALUE") return false;
  const values = settingValues(statement.node.args);
  return values.length === 1 && isOn(values[0] ?? "");
}

/** The schemas a `SET [LOCAL] search_path = ...` names, in order; undefined for other statements. */
export function searchPathSet(statement: ParsedStatement): string[] | undefined {
  if (statement.kind !== "VariableSetStmt" || statement.node.name !== "search_path") return undefined;
  return statement.node.kind === "VAR_SET_VALUE" ? settingValues(statement.node.args) : [];
}

/** A search_path setting's text ('app, "My Schema", public') as schema names. */
export function parseSearchPath(value: string): string[] {
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => splitQualifiedName(part)?.[0] ?? part);
}

/** Boolean setting values as PostgreSQL accepts them. */
export function isOn(value: string): boolean {
  return /^(on|true|yes|1|t|y)$/i.test(value.trim());
}

/**
 * A regclass/regnamespace literal ('public.chunks', '"My Table"') as its identifiers, folded as PostgreSQL
 * folds them (unquoted: lowercase). Undefined when it is not a qualified name.
 */
export function splitQualifiedName(text: string): string[] | undefined {
  const names: string[] = [];
  const part = /\s*(?:"((?:[^"]|"")+)"|([A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*))\s*(\.|$)/y;
  let position = 0;
  while (position < text.length) {
    part.lastIndex = position;
    const match = part.exec(text);
    if (!match) return undefined;
    names.push(match[1] !== undefined ? match[1].replaceAll('""', '"') : (match[2] ?? "").toLowerCase());
    position = part.lastIndex;
    if (match[3] === "") break;
  }
  return names.length > 0 && position >= text.length ? names : undefined;
}

/** Literal text of the first argument (or the named one) of every call to one of `functions` in the statement. */
function firstLiteralArguments(
  statement: ParsedStatement,
  functions: readonly string[],
  argumentName: string,
): string[] {
  if (!functions.some((name) => statement.text.toLowerCase().includes(name))) return [];
  const found: string[] = [];
  walk(statement.node, (key, value) => {
    if (key !== "FuncCall" || !isRecord(value) || !functions.includes(lastName(value.funcname))) return;
    const args = Array.isArray(value.args) ? value.args : [];
    const named = args.find(
      (arg) => isRecord(arg) && isRecord(arg.NamedArgExpr) && arg.NamedArgExpr.name === argumentName,
    );
    const first = named && isRecord(named) && isRecord(named.NamedArgExpr) ? named.NamedArgExpr.arg : args[0];
    const text = stringConstant(first);
    if (text !== undefined) found.push(text);
  });
  return found;
}

function isVectorColumn(columnDef: unknown): boolean {
  return isRecord(columnDef) && isRecord(columnDef.typeName) && vectorTypes.has(lastName(columnDef.typeName.names));
}

function rangeVarName(relation: unknown): TableName | undefined {
  if (!isRecord(relation) || typeof relation.relname !== "string") return undefined;
  return {
    ...(typeof relation.schemaname === "string" && { schema: relation.schemaname }),
    table: relation.relname,
  };
}

/** 'text' or 'text'::regclass. */
function stringConstant(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  if (isRecord(value.TypeCast)) return stringConstant(value.TypeCast.arg);
  const constant = value.A_Const;
  return isRecord(constant) && isRecord(constant.sval) && typeof constant.sval.sval === "string"
    ? constant.sval.sval
    : undefined;
}

function settingValues(args: unknown): string[] {
  if (!Array.isArray(args)) return [];
  return args.flatMap((arg) => {
    if (!isRecord(arg) || !isRecord(arg.A_Const)) return [];
    const constant = arg.A_Const;
    if (isRecord(constant.sval)) return [String(constant.sval.sval ?? "")];
    if (isRecord(constant.ival)) return [String(constant.ival.ival ?? 0)];
    if (isRecord(constant.boolval)) return [constant.boolval.boolval ? "on" : "off"];
    return [];
  });
}
