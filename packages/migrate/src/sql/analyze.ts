// What a migration's statements do, as far as the engine cares: statements that cannot run inside a
// transaction, statements a migration must not contain, use of pgvector, extensions created, and indexes
// built concurrently (which leave an INVALID index behind when they fail).
import type { ParsedStatement, ParseNode } from "./parser";
import { isRecord, lastName, stringList, walk } from "./tree";

export interface ConcurrentIndex {
  /** Schema as written, undefined when unqualified (the table's schema is used). */
  schema?: string;
  table: string;
  name: string;
}

/** pgvector's column types. */
export const vectorTypes: ReadonlySet<string> = new Set(["vector", "halfvec", "sparsevec"]);
const vectorAccessMethods = new Set(["hnsw", "ivfflat"]);
const vectorFunctions = new Set([
  "cosine_distance",
  "l2_distance",
  "l1_distance",
  "inner_product",
  "vector_dims",
  "vector_norm",
  "l2_normalize",
  "binary_quantize",
  "subvector",
  "hamming_distance",
  "jaccard_distance",
]);

/** Why the statement cannot run inside a transaction block, or undefined when it can. */
export function nonTransactionalReason(statement: ParsedStatement): string | undefined {
  const node = statement.node;
  switch (statement.kind) {
    case "IndexStmt":
      return node.concurrent ? "CREATE INDEX CONCURRENTLY" : undefined;
    case "DropStmt":
      return node.concurrent ? "DROP INDEX CONCURRENTLY" : undefined;
    case "ReindexStmt":
      if (defElemNames(node.params).includes("concurrently")) return "REINDEX CONCURRENTLY";
      if (node.kind === "REINDEX_OBJECT_SYSTEM" || node.kind === "REINDEX_OBJECT_DATABASE") {
        return `REINDEX ${String(node.kind).replace("REINDEX_OBJECT_", "")}`;
      }
      return undefined;
    case "CreatedbStmt":
      return "CREATE DATABASE";
    case "DropdbStmt":
      return "DROP DATABASE";
    case "VacuumStmt":
      return node.is_vacuumcmd ? "VACUUM" : undefined;
    case "AlterSystemStmt":
      return "ALTER SYSTEM";
    case "CreateTableSpaceStmt":
      return "CREATE TABLESPACE";
    case "DropTableSpaceStmt":
      return "DROP TABLESPACE";
    case "AlterDatabaseStmt":
      return defElemNames(node.options).includes("tablespace") ? "ALTER DATABASE ... SET TABLESPACE" : undefined;
    case "DiscardStmt":
      return node.target === "DISCARD_ALL" ? "DISCARD ALL" : undefined;
    case "ClusterStmt":
      return node.relation ? undefined : "CLUSTER without a table name";
    case "CreateSubscriptionStmt":
      return createsReplicationSlot(node) ? "CREATE SUBSCRIPTION (with create_slot)" : undefined;
    case "DropSubscriptionStmt":
      return "DROP SUBSCRIPTION";
    case "AlterTableStmt":
      return detachesConcurrently(node) ? "ALTER TABLE ... DETACH PARTITION CONCURRENTLY" : undefined;
    default:
      return undefined;
  }
}

/**
 * A problem with the statement in any migration, or undefined. `lockKey` is the engine's migration lock key
 * (a session advisory lock): statements that release it would let another runner apply the same migrations.
 */
export function forbiddenReason(
  statement: ParsedStatement,
  transactional: boolean,
  lockKey?: bigint,
): string | undefined {
  const node = statement.node;
  const releases = releasesMigrationLock(statement, lockKey);
  if (releases) {
    return `${releases} releases the session's advisory locks, including the engine's migration lock: another runner could then apply the same migrations at the same time. Remove it (to reset settings use RESET ALL or SET LOCAL; to release your own advisory lock use pg_advisory_xact_lock, released at commit, or pg_advisory_unlock of your own key)`;
  }
  if (statement.kind === "CopyStmt" && node.is_from && node.filename === undefined) {
    return "COPY ... FROM STDIN needs data sent by the client, which a migration cannot do: use INSERT ... VALUES, or COPY from a file on the server";
  }
  if (statement.kind === "TransactionStmt" && transactional) {
    const kind = String(node.kind ?? "");
    const controls = [
      "TRANS_STMT_BEGIN",
      "TRANS_STMT_START",
      "TRANS_STMT_COMMIT",
      "TRANS_STMT_ROLLBACK",
      "TRANS_STMT_PREPARE",
      "TRANS_STMT_COMMIT_PREPARED",
      "TRANS_STMT_ROLLBACK_PREPARED",
    ];
    if (controls.includes(kind)) {
      const word = kind.replace("TRANS_STMT_", "").replace("_", " ");
      return `${word} ends or starts a transaction, but the engine runs this migration and its tracking row in one transaction: remove it (savepoints are fine), or add "-- migrate:no-transaction" to the top of the file`;
    }
  }
  return undefined;
}

const unlockHint = /pg_advisory_unlock/i;

/** "DISCARD ALL", "pg_advisory_unlock_all()" or "pg_advisory_unlock(<lock key>)" when the statement does that. */
function releasesMigrationLock(statement: ParsedStatement, lockKey: bigint | undefined): string | undefined {
  if (statement.kind === "DiscardStmt" && statement.node.target === "DISCARD_ALL") return "DISCARD ALL";
  if (!unlockHint.test(statement.text)) return undefined;
  // A DO block runs its body at once; the parser keeps the body as text.
  if (statement.kind === "DoStmt") {
    return /pg_advisory_unlock_all\s*\(/i.test(statement.text) ? "pg_advisory_unlock_all() in a DO block" : undefined;
  }
  let found: string | undefined;
  walk(statement.node, (key, value) => {
    if (found || key !== "FuncCall" || !isRecord(value)) return;
    const name = lastName(value.funcname);
    const args = Array.isArray(value.args) ? value.args : [];
    if (name === "pg_advisory_unlock_all") found = "pg_advisory_unlock_all()";
    else if (name === "pg_advisory_unlock" && args.length === 1 && lockKey !== undefined) {
      if (integerConstant(args[0]) === lockKey) found = `pg_advisory_unlock(${lockKey})`;
    }
  });
  return found;
}

/** The value of an integer constant (possibly cast, e.g. 42::bigint), or undefined. */
function integerConstant(value: unknown): bigint | undefined {
  if (!isRecord(value)) return undefined;
  if (isRecord(value.TypeCast)) return integerConstant(value.TypeCast.arg);
  const constant = value.A_Const;
  if (!isRecord(constant)) return undefined;
  const text = isRecord(constant.ival)
    ? String(constant.ival.ival ?? 0)
    : isRecord(constant.fval)
      ? constant.fval.fval
      : undefined;
  return typeof text === "string" && /^-?\d+$/.test(text) ? BigInt(text) : undefined;
}

/**
 * Settings the statement changes for the rest of the session (not SET LOCAL): "role", "session_authorization",
 * "search_path", ..., or "all" for RESET ALL. These would leak into the engine's statements and the next migration.
 */
export function sessionSettingsChanged(statement: ParsedStatement): string[] {
  const node = statement.node;
  if (statement.kind === "VariableSetStmt") {
    if (node.is_local || node.kind === "VAR_SET_MULTI") return [];
    return [node.kind === "VAR_RESET_ALL" ? "all" : String(node.name ?? "").toLowerCase()];
  }
  if (!/set_config/i.test(statement.text)) return [];
  const names: string[] = [];
  walk(node, (key, value) => {
    if (key !== "FuncCall" || !isRecord(value) || lastName(value.funcname) !== "set_config") return;
    const args = Array.isArray(value.args) ? value.args : [];
    const local = args[2];
    const isLocal =
      isRecord(local) &&
      isRecord(local.A_Const) &&
      isRecord(local.A_Const.boolval) &&
      local.A_Const.boolval.boolval === true;
    if (isLocal) return;
    const name = args[0];
    const sval =
      isRecord(name) && isRecord(name.A_Const) && isRecord(name.A_Const.sval) ? name.A_Const.sval.sval : undefined;
    // A name computed at run time cannot be known here: reset everything resettable.
    names.push(typeof sval === "string" ? sval.toLowerCase() : "all");
  });
  return names;
}

/** The extension name when the statement is CREATE EXTENSION. */
export function createdExtension(statement: ParsedStatement): string | undefined {
  return statement.kind === "CreateExtensionStmt" ? String(statement.node.extname) : undefined;
}

/** Words without which a statement cannot use pgvector: a cheap filter before walking the parse tree. */
const vectorHint = new RegExp(
  `vector|halfvec|hnsw|ivfflat|<=>|${[...vectorFunctions].filter((name) => !name.includes("vector")).join("|")}`,
  "i",
);

/** True when the statement uses pgvector: its types, index methods, operator classes, operators or functions. */
export function usesVector(statement: ParsedStatement): boolean {
  return findVectorUse(statement, { accessMethods: true, counts: () => true });
}

/**
 * True when the statement names one of pgvector's types, operator classes, operators or functions without a
 * schema: PostgreSQL then looks it up through the search_path (index methods are global, so they do not count).
 */
export function usesVectorThroughSearchPath(statement: ParsedStatement): boolean {
  return findVectorUse(statement, { accessMethods: false, counts: (names) => stringList(names).length === 1 });
}

/** Whether the statement uses pgvector: an index method (when `accessMethods`), or a name list that `counts`. */
function findVectorUse(
  statement: ParsedStatement,
  { accessMethods, counts }: { accessMethods: boolean; counts: (names: unknown) => boolean },
): boolean {
  if (statement.kind === "CreateExtensionStmt" || !vectorHint.test(statement.text)) return false;
  let found = false;
  walk(statement.node, (key, value) => {
    if (found) return;
    if ((key === "typeName" || key === "TypeName") && isRecord(value) && vectorTypes.has(lastName(value.names))) {
      found = counts(value.names);
    } else if (key === "accessMethod" && typeof value === "string" && vectorAccessMethods.has(value)) {
      found = accessMethods;
    } else if (key === "opclass" && /^(vector|halfvec|sparsevec)_/.test(lastName(value))) {
      found = counts(value);
    } else if (key === "A_Expr" && isRecord(value) && lastName(value.name) === "<=>") {
      found = counts(value.name);
    } else if (key === "FuncCall" && isRecord(value) && vectorFunctions.has(lastName(value.funcname))) {
      found = counts(value.funcname);
    }
  });
  return found;
}

/** The index a CREATE INDEX CONCURRENTLY builds, when it is named (unnamed ones cannot be found again). */
export function concurrentIndex(statement: ParsedStatement): ConcurrentIndex | undefined {
  const node = statement.node;
  if (statement.kind !== "IndexStmt" || !node.concurrent || typeof node.idxname !== "string") return undefined;
  const relation = isRecord(node.relation) ? node.relation : {};
  const schema = typeof relation.schemaname === "string" ? relation.schemaname : undefined;
  return { ...(schema !== undefined && { schema }), table: String(relation.relname), name: node.idxname };
}

function createsReplicationSlot(node: ParseNode): boolean {
  for (const option of defElems(node.options)) {
    if ((option.defname === "create_slot" || option.defname === "connect") && isFalse(option.arg)) return false;
  }
  return true;
}

function detachesConcurrently(node: ParseNode): boolean {
  let found = false;
  walk(node, (key, value) => {
    if (key === "PartitionCmd" && isRecord(value) && value.concurrent) found = true;
  });
  return found;
}

function isFalse(arg: unknown): boolean {
  if (!isRecord(arg)) return false;
  const boolean = arg.Boolean;
  if (isRecord(boolean)) return !boolean.boolval;
  const string = arg.String;
  if (isRecord(string)) return /^(false|off|no|0)$/i.test(String(string.sval));
  const integer = arg.Integer;
  if (isRecord(integer)) return !integer.ival;
  return false;
}

function defElems(list: unknown): ParseNode[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => (isRecord(item) && isRecord(item.DefElem) ? item.DefElem : {}));
}

function defElemNames(list: unknown): string[] {
  return defElems(list).map((element) => String(element.defname ?? ""));
}
