// Splits SQL into statements with PostgreSQL's own parser (libpg-query, PostgreSQL 18 compiled to WASM), so
// dollar quotes, comments, string literals and nested bodies are handled exactly as the server does.
import type * as PgQuery from "libpg-query";
import { cachedStatements, storeStatements } from "./parse-cache";
import { SourceText } from "./source-text";

/** A parse-tree node as libpg-query returns it: `{ IndexStmt: { ... } }`. */
export type ParseNode = Record<string, unknown>;

export interface ParsedStatement {
  /** 0-based position among the file's statements. */
  ordinal: number;
  /** JavaScript string indexes of the statement in the file text (without the terminating semicolon). */
  start: number;
  end: number;
  text: string;
  /** Node type, e.g. "IndexStmt". */
  kind: string;
  /** The node's fields. */
  node: ParseNode;
}

export interface ParsedSql {
  source: SourceText;
  statements: ParsedStatement[];
}

export class SqlSyntaxError extends Error {
  /** JavaScript index in the text where the parser stopped. */
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.index = index;
  }
}

let parserModule: typeof PgQuery | undefined;
let loading: Promise<typeof PgQuery> | undefined;
let beforeLoad: (() => void) | undefined;

/** Runs `hook` just before the WASM parser loads, if it ever does (the CLI tunes V8 for a short run there). */
export function beforeParserLoads(hook: () => void): void {
  beforeLoad = hook;
}

/** Loads the WASM parser once, on first use (it costs tens of milliseconds; `plan` never needs it). */
export function loadParser(): Promise<typeof PgQuery> {
  loading ??= (async () => {
    beforeLoad?.();
    const module = require("libpg-query") as typeof PgQuery;
    await module.loadModule();
    parserModule = module;
    return module;
  })();
  return loading;
}

/** Whether parsing these texts needs the WASM parser: some text is neither empty nor in the parse cache. */
export function parserNeeded(texts: readonly string[]): boolean {
  return texts.some((text) => text.trim() !== "" && cachedStatements(text) === undefined);
}

/**
 * Parses SQL text into statements. Requires `await loadParser()` first, unless `parserNeeded` says the texts need
 * none. Throws SqlSyntaxError.
 */
export function parseSql(text: string): ParsedSql {
  const source = new SourceText(text);
  if (text.trim() === "") return { source, statements: [] };
  const statements = (cachedStatements(text) ?? parseWithParser(text, source)) as RawStatement[];
  return { source, statements: statements.map((raw, ordinal) => toStatement(text, source, raw, ordinal)) };
}

type RawStatement = NonNullable<ReturnType<typeof PgQuery.parseSync>["stmts"]>[number];

function parseWithParser(text: string, source: SourceText): RawStatement[] {
  if (!parserModule) throw new Error("parseSql called before loadParser()");
  let result: ReturnType<typeof PgQuery.parseSync>;
  try {
    result = parserModule.parseSync(text);
  } catch (error) {
    const details = (error as PgQuery.SqlError).sqlDetails;
    const message = details?.message ?? (error as Error).message;
    // cursorPosition is a 0-based character (code point) offset.
    throw new SqlSyntaxError(message, source.indexOfCodePoint(details?.cursorPosition ?? 0));
  }
  const statements = result.stmts ?? [];
  storeStatements(text, statements);
  return statements;
}

function toStatement(text: string, source: SourceText, raw: RawStatement, ordinal: number): ParsedStatement {
  const startByte = raw.stmt_location ?? 0;
  const start = source.indexOfByte(startByte);
  // stmt_len 0 means "up to the end of the text" (the last statement without a semicolon).
  const end = raw.stmt_len ? source.indexOfByte(startByte + raw.stmt_len) : text.length;
  const [kind = "Unknown", node = {}] = Object.entries((raw.stmt ?? {}) as ParseNode)[0] ?? [];
  return { ordinal, start, end, text: text.slice(start, end).trimEnd(), kind, node: node as ParseNode };
}
