// Statement splitting and classification with the real PostgreSQL parser, and position conversions.
import { beforeAll, describe, expect, it } from "vitest";
import { concurrentIndex, nonTransactionalReason, usesVector } from "../../packages/migrate/src/sql/analyze";
import { loadParser, parseSql, SqlSyntaxError } from "../../packages/migrate/src/sql/parser";
import { SourceText } from "../../packages/migrate/src/sql/source-text";

beforeAll(async () => {
  await loadParser();
});

describe("parseSql", () => {
  it("splits on real statement boundaries: dollar quotes, comments, literals, non-ASCII text", () => {
    const sql = [
      "-- leading comment; with a semicolon",
      "CREATE TABLE \"tàble\" (note text DEFAULT 'a;b');",
      "/* block comment;",
      "   spanning lines */",
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$;",
      "INSERT INTO \"tàble\" VALUES ('😀; ü') -- no semicolon at the end",
    ].join("\n");
    const { statements } = parseSql(sql);
    expect(statements.map((statement) => statement.kind)).toEqual(["CreateStmt", "CreateFunctionStmt", "InsertStmt"]);
    expect(statements[0]?.text).toBe("CREATE TABLE \"tàble\" (note text DEFAULT 'a;b')");
    expect(statements[1]?.text).toBe(
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$",
    );
    expect(statements[2]?.text).toBe("INSERT INTO \"tàble\" VALUES ('😀; ü') -- no semicolon at the end");
    for (const statement of statements)
      expect(sql.slice(statement.start, statement.end).trimEnd()).toBe(statement.text);
  });

  it("returns no statements for comments only", () => {
    expect(parseSql("-- nothing here\n/* at all */\n").statements).toEqual([]);
  });

  it("locates a syntax error after non-ASCII text", () => {
    const sql = "SELECT 'héllo 😀';\nSELEC 1;";
    const error = (() => {
      try {
        parseSql(sql);
      } catch (caught) {
        return caught as SqlSyntaxError;
      }
      throw new Error("no syntax error");
    })();
    expect(error).toBeInstanceOf(SqlSyntaxError);
    expect(error.message).toBe('syntax error at or near "SELEC"');
    expect(new SourceText(sql).lineColumn(error.index)).toEqual({ line: 2, column: 1 });
  });
});

describe("SourceText", () => {
  const text = "aé😀\nbc";
  const source = new SourceText(text);

  it("converts UTF-8 byte offsets to string indexes", () => {
    // a=1 byte, é=2 bytes, 😀=4 bytes (2 UTF-16 units), \n=1
    expect(source.indexOfByte(0)).toBe(0);
    expect(source.indexOfByte(1)).toBe(1);
    expect(source.indexOfByte(3)).toBe(2);
    expect(source.indexOfByte(7)).toBe(4);
    expect(source.indexOfByte(8)).toBe(5);
  });

  it("converts code point offsets (PostgreSQL positions) to string indexes", () => {
    expect(source.indexOfCodePoint(2)).toBe(2);
    expect(source.indexOfCodePoint(3)).toBe(4);
    expect(source.indexOfCodePoint(4)).toBe(5);
  });

  it("gives 1-based lines and character columns", () => {
    expect(source.lineColumn(0)).toEqual({ line: 1, column: 1 });
    expect(source.lineColumn(4)).toEqual({ line: 1, column: 4 });
    expect(source.lineColumn(6)).toEqual({ line: 2, column: 2 });
  });
});

describe("statement analysis", () => {
  const first = (sql: string) => {
    const statement = parseSql(sql).statements[0];
    if (!statement) throw new Error("no statement");
    return statement;
  };

  it.each([
    ["CREATE INDEX CONCURRENTLY i ON t (x)", "CREATE INDEX CONCURRENTLY"],
    ["DROP INDEX CONCURRENTLY i", "DROP INDEX CONCURRENTLY"],
    ["REINDEX INDEX CONCURRENTLY i", "REINDEX CONCURRENTLY"],
    ["REINDEX DATABASE d", "REINDEX DATABASE"],
    ["VACUUM t", "VACUUM"],
    ["CREATE DATABASE d", "CREATE DATABASE"],
    ["DROP DATABASE d", "DROP DATABASE"],
    ["ALTER SYSTEM SET work_mem = '1MB'", "ALTER SYSTEM"],
    ["CREATE TABLESPACE s LOCATION '/x'", "CREATE TABLESPACE"],
    ["ALTER TABLE p DETACH PARTITION c CONCURRENTLY", "ALTER TABLE ... DETACH PARTITION CONCURRENTLY"],
    ["CREATE INDEX i ON t (x)", undefined],
    ["ANALYZE t", undefined],
    ["ALTER TYPE mood ADD VALUE 'meh'", undefined],
    ["CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p WITH (create_slot = false, connect = false)", undefined],
  ])("%s -> %s", (sql, reason) => {
    expect(nonTransactionalReason(first(sql))).toBe(reason);
  });

  it.each([
    ["CREATE TABLE c (embedding vector(1536))", true],
    ["ALTER TABLE c ADD COLUMN e extensions.halfvec(3)", true],
    ["CREATE INDEX ON c USING hnsw (e vector_cosine_ops)", true],
    ["SELECT '[1,2]'::vector", true],
    ["SELECT a <=> b FROM c", true],
    ["SELECT cosine_distance(a, b) FROM c", true],
    ["CREATE EXTENSION vector", false],
    ["CREATE TABLE c (id bigint, body text)", false],
  ])("usesVector(%s) = %s", (sql, expected) => {
    expect(usesVector(first(sql))).toBe(expected);
  });

  it("names the index a concurrent build creates", () => {
    expect(concurrentIndex(first("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON app.t (x)"))).toEqual({
      schema: "app",
      table: "t",
      name: "i",
    });
    expect(concurrentIndex(first("CREATE INDEX CONCURRENTLY ON t (x)"))).toBeUndefined();
  });
});
