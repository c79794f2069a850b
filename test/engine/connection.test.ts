// Connections: retries with backoff, clear errors, sslmode, and no secret in any message or log line.
import { connect as connectTcp, createServer, type Server, type Socket } from "node:net";
import { loadMigrations, readApplied, up } from "pgvector-migrate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConnection } from "../../packages/migrate/src/db/connection-config";
import { createNativeDatabase, freePort, type NativeDatabase } from "../support";
import { CapturingLogger, failure, migrationsDir, query } from "./helpers";

let db: NativeDatabase;
let password: string;
beforeAll(async () => {
  db = await createNativeDatabase("conn");
  password = decodeURIComponent(new URL(db.url).password);
  expect(password.length).toBeGreaterThanOrEqual(8);
});
afterAll(async () => {
  await db.drop();
});

function withUrl(change: (url: URL) => void): string {
  const url = new URL(db.url);
  change(url);
  return url.toString();
}

const fastRetry = { attempts: 3, initialDelayMs: 10, maxDelayMs: 20 };

describe("connection failures", () => {
  it("retries a refused connection with backoff, then fails naming host:port/database and user only", async () => {
    const port = await freePort();
    const url = withUrl((parsed) => {
      parsed.port = String(port);
    });
    const logger = new CapturingLogger();
    const error = await failure(readApplied({ connection: { url }, retry: fastRetry, logger }));
    expect(error.code).toBe("CONNECTION_FAILED");
    expect(error.message).toContain(
      `Could not connect to postgres@127.0.0.1:${port}/${db.name} (sslmode=prefer) after 3 attempts`,
    );
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).toContain(`Nothing accepts connections on 127.0.0.1:${port}`);
    expect(logger.lines.filter((line) => line.includes("retrying in"))).toHaveLength(2);
    expect(logger.text()).toContain("attempt 1 of 3, retrying in 10 ms");
    for (const text of [error.message, logger.text(), JSON.stringify(error.details)]) {
      expect(text).not.toContain(password);
    }
  });

  it("retries a host name that does not resolve yet, then says so", async () => {
    const url = withUrl((parsed) => {
      parsed.hostname = "pgvm-not-created-yet.invalid";
    });
    const logger = new CapturingLogger();
    const error = await failure(
      readApplied({ connection: { url }, retry: { attempts: 2, initialDelayMs: 10 }, logger }),
    );
    expect(error.code).toBe("CONNECTION_FAILED");
    expect(error.message).toContain(`Could not connect to postgres@pgvm-not-created-yet.invalid:`);
    expect(error.message).toContain("after 2 attempts");
    expect(error.message).toContain('The host name "pgvm-not-created-yet.invalid" does not resolve');
    expect(logger.text()).toContain("attempt 1 of 2, retrying in 10 ms");
    expect(`${error.message}${logger.text()}`).not.toContain(password);
  });

  it("waits for a server that is still starting up (57P03), and gives up after the last attempt", async () => {
    const target = new URL(db.url);
    let startingUp = Number.POSITIVE_INFINITY;
    let refused = 0;
    const sockets = new Set<Socket>();
    // In front of the test server: answers "starting up" as PostgreSQL does while `startingUp` lasts, then passes
    // connections through.
    const proxy = createServer((socket) => {
      sockets.add(socket);
      if (refused < startingUp) {
        refused += 1;
        socket.once("data", () => socket.end(errorResponse("57P03", "the database system is starting up")));
        return;
      }
      const upstream = connectTcp(Number(target.port), target.hostname);
      sockets.add(upstream);
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const url = withUrl((parsed) => {
      parsed.port = String((proxy.address() as { port: number }).port);
      parsed.searchParams.set("sslmode", "disable");
    });
    try {
      const gaveUp = await failure(readApplied({ connection: { url }, retry: fastRetry }));
      expect(gaveUp.code).toBe("CONNECTION_FAILED");
      expect(gaveUp.message).toContain("after 3 attempts: 57P03: the database system is starting up");
      expect(refused).toBe(3);

      refused = 0;
      startingUp = 2;
      const logger = new CapturingLogger();
      expect(await readApplied({ connection: { url }, retry: fastRetry, logger })).toEqual([]);
      expect(refused).toBe(2);
      expect(logger.lines).toEqual([
        expect.stringContaining("(57P03: the database system is starting up); attempt 1 of 3, retrying in 10 ms"),
        expect.stringContaining("(57P03: the database system is starting up); attempt 2 of 3, retrying in 20 ms"),
      ]);
    } finally {
      for (const socket of sockets) socket.destroy();
      proxy.close();
    }
  });

  it("times out a server that never answers, per attempt", async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const error = await failure(
        readApplied({
          connection: { url: `postgres://someone:${password}@127.0.0.1:${port}/x`, connectTimeoutMs: 200 },
          retry: { attempts: 2, initialDelayMs: 10 },
        }),
      );
      expect(error.code).toBe("CONNECTION_FAILED");
      expect(error.message).toContain("after 2 attempts");
      expect(error.message).toContain("No answer within 200 ms");
      expect(error.message).not.toContain(password);
    } finally {
      silent.close();
    }
  });

  it("does not retry a wrong password, and says so without showing it", async () => {
    const wrong = "Wr0ng-Secret-Value";
    const logger = new CapturingLogger();
    const error = await failure(
      readApplied({
        connection: {
          url: withUrl((parsed) => {
            parsed.password = wrong;
          }),
        },
        retry: fastRetry,
        logger,
      }),
    );
    expect(error.code).toBe("CONNECTION_FAILED");
    expect(error.message).toContain("28P01");
    expect(error.message).toContain('The password or user name is wrong (user "postgres"); the password is not shown.');
    expect(error.message).not.toContain("after 3 attempts");
    expect(logger.lines).toEqual([]);
    expect(error.message).not.toContain(wrong);
  });

  it("names a database that does not exist", async () => {
    const error = await failure(
      readApplied({
        connection: {
          url: withUrl((parsed) => {
            parsed.pathname = "/no_such_db";
          }),
        },
        retry: fastRetry,
      }),
    );
    expect(error.message).toContain('Database "no_such_db" does not exist');
    expect(error.message).not.toContain(password);
  });

  it("rejects malformed URLs and settings without echoing them", async () => {
    const cases = [
      `mysql://root:${password}@host/db`,
      `postgres://root:${password}@host:99999/db`,
      `postgres://root:${password}@host/db?sslmode=sometimes`,
    ];
    for (const url of cases) {
      const error = await failure(readApplied({ connection: { url } }));
      expect(error.code).toBe("INVALID_OPTIONS");
      expect(error.message).not.toContain(password);
    }
  });
});

describe("sslmode", () => {
  it("prefer falls back to plaintext, disable never tries TLS, require insists on TLS", async () => {
    // The test server has no TLS.
    expect(await readApplied({ connection: { url: db.url } })).toEqual([]);
    expect(await readApplied({ connection: { url: db.url, sslmode: "disable" } })).toEqual([]);
    const error = await failure(readApplied({ connection: { url: `${db.url}?sslmode=require` }, retry: fastRetry }));
    expect(error.code).toBe("CONNECTION_FAILED");
    expect(error.message).toContain("(sslmode=require)");
    expect(error.message).toContain("The server does not accept TLS");
  });

  it("takes discrete connection fields instead of a URL", async () => {
    const url = new URL(db.url);
    const rows = await readApplied({
      connection: {
        host: url.hostname,
        port: Number(url.port),
        database: db.name,
        user: "postgres",
        password,
        sslmode: "disable",
      },
    });
    expect(rows).toEqual([]);
  });
});

describe("secrets", () => {
  it("never shows the password in migration errors or logs, even when the database echoes it", async () => {
    const dir = migrationsDir({
      "0001_ok.sql": "CREATE TABLE ok (id int);",
      "0002_echo.sql": `DO $$ BEGIN RAISE EXCEPTION 'connection failed for ${db.url} with %', '${password}'; END $$;`,
    });
    try {
      const logger = new CapturingLogger();
      const error = await failure(up(loadMigrations(dir.path), { connection: { url: db.url }, logger }));
      expect(error.code).toBe("MIGRATION_FAILED");
      expect(error.message).toContain("connection failed for postgres://postgres:***@127.0.0.1");
      expect(logger.text()).toContain("Applying migrations/0002_echo.sql");
      for (const text of [error.message, logger.text(), JSON.stringify(error.details), String(error.stack)]) {
        expect(text).not.toContain(password);
        expect(text).not.toContain(db.url);
      }
      expect(await query(db.url, "SELECT count(*)::int AS n FROM pgvector_migrate.schema_migrations")).toEqual([
        { n: 1 },
      ]);
    } finally {
      dir.cleanup();
    }
  });
});

describe("secrets in migration files", () => {
  it("hides a role password when it quotes the failing statement", async () => {
    const rolePassword = "S3cret-role-pw";
    const dir = migrationsDir({
      "0001_role.sql": `CREATE ROLE pgvm_app LOGIN PASSWORD '${rolePassword}' IN ROLE pgvm_no_such_role;`,
    });
    try {
      const logger = new CapturingLogger();
      // This file's database is shared: a tracking table of its own.
      const options = { connection: { url: db.url }, trackingTable: "role_migrations", logger };
      const error = await failure(up(loadMigrations(dir.path), options));
      expect(error.message).toMatch(/^migrations\/0001_role\.sql:1:1: ERROR 42704: role "pgvm_no_such_role"/);
      expect(error.message).toContain("CREATE ROLE pgvm_app LOGIN PASSWORD '***' IN ROLE pgvm_no_such_role");
      for (const text of [error.message, logger.text(), JSON.stringify(error.details)]) {
        expect(text).not.toContain(rolePassword);
      }
    } finally {
      dir.cleanup();
    }
  });
});

/** A PostgreSQL ErrorResponse message, as a server sends it to refuse a connection. */
function errorResponse(sqlstate: string, message: string): Buffer {
  const field = (type: string, value: string) => Buffer.from(`${type}${value}\0`, "utf8");
  const body = Buffer.concat([
    field("S", "FATAL"),
    field("V", "FATAL"),
    field("C", sqlstate),
    field("M", message),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write("E", 0, "ascii");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

describe("connection settings", () => {
  it("maps sslmode to TLS options with libpq's meaning", () => {
    const tls = (query: string) => resolveConnection({ url: `postgres://u:p@db.example.com/app${query}` }).tls;
    expect(resolveConnection({ url: "postgres://u:p@h/app?sslmode=disable" }).tls).toBeUndefined();
    expect(tls("")).toMatchObject({ rejectUnauthorized: false });
    expect(tls("?sslmode=prefer")).toMatchObject({ rejectUnauthorized: false });
    expect(tls("?sslmode=require")).toMatchObject({ rejectUnauthorized: false });
    expect(tls("?sslmode=no-verify")).toMatchObject({ rejectUnauthorized: false });
    const verifyCa = tls("?sslmode=verify-ca");
    expect(verifyCa?.rejectUnauthorized).toBe(true);
    expect(verifyCa?.checkServerIdentity?.("db.example.com", {} as never)).toBeUndefined();
    const verifyFull = tls("?sslmode=verify-full");
    expect(verifyFull?.rejectUnauthorized).toBe(true);
    expect(verifyFull?.checkServerIdentity).toBeUndefined();
    expect(verifyFull?.servername).toBe("db.example.com");
  });

  it("reads URL parameters, lets fields override the URL, and reports unknown parameters", () => {
    const resolved = resolveConnection({
      url: "postgresql://app%40corp:p%40ss@[::1]:6000/my%20db?application_name=ci&connect_timeout=3&options=endpoint%3Dep-1&pgbouncer=true&hostaddr=10.0.0.1",
      user: "override",
    });
    expect(resolved).toMatchObject({
      host: "::1",
      port: 6000,
      database: "my db",
      user: "override",
      password: "p@ss",
      applicationName: "ci",
      connectTimeoutMs: 3000,
      options: "endpoint=ep-1",
      target: "override@[::1]:6000/my db",
      ignoredParameters: ["pgbouncer", "hostaddr"],
    });
    expect(resolved.secrets).toContain("p@ss");
  });
});
