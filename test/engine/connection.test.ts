// Connections: retries with backoff, clear errors, sslmode, and no secret in any message or log line.
import { connect as connectTcp, createServer, type Server, type Socket } from "node:net";
import { loadMigrations, readApplied, up } from "pgvector-migrate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConnection } from "../../packages/migrate/src/db/connection-config";
import { createNativeDatabase, freePort, type NativeDatabase, withAdminClient } from "../support";

// These tests share one database, which earlier tests populate; the populated-database check is tested in baseline.test.ts.
const allowPopulated = true;

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
      const error = await failure(
        up(loadMigrations(dir.path), { connection: { url: db.url }, logger, allowPopulated }),
      );
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
      const options = { connection: { url: db.url }, trackingTable: "role_migrations", logger, allowPopulated };
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

describe("secrets in migration files, in every literal form", () => {
  const rolePassword = "S3cret-role-pw";
  it.each([
    { form: "dollar-quoted", literal: `$$${rolePassword}$$` },
    { form: "tagged dollar-quoted", literal: `$pw$${rolePassword}$pw$` },
    { form: "escape string", literal: `E'${rolePassword}\\'s'` },
    { form: "cut off by the statement excerpt", literal: `'${rolePassword}${"\n-".repeat(12)}'` },
  ])("hides a $form PASSWORD literal in the quoted statement", async ({ form, literal }) => {
    const dir = migrationsDir({
      "0001_role.sql": `CREATE ROLE pgvm_app LOGIN PASSWORD ${literal} IN ROLE pgvm_no_such_role;`,
    });
    try {
      const logger = new CapturingLogger();
      const trackingTable = `literal_${form.replace(/\W/g, "_")}`;
      const error = await failure(
        up(loadMigrations(dir.path), { connection: { url: db.url }, trackingTable, logger, allowPopulated }),
      );
      expect(error.message).toMatch(/^migrations\/0001_role\.sql:1:1: ERROR 42704: role "pgvm_no_such_role"/);
      expect(error.message).toContain("CREATE ROLE pgvm_app LOGIN PASSWORD '***' IN ROLE pgvm_no_such_role\n");
      for (const text of [error.message, logger.text(), JSON.stringify(error.details)]) {
        expect(text).not.toContain("S3cret");
      }
    } finally {
      dir.cleanup();
    }
  });
});

describe("secrets in migration files the parser refuses", () => {
  it.each([
    ["an unterminated literal", "CREATE ROLE pgvm_app LOGIN PASSWORD 'S3cret-role-pw;\n"],
    ["an unterminated escape string", "CREATE ROLE pgvm_app LOGIN PASSWORD E'S3cret-role-pw\\';\n"],
  ])("does not quote %s after PASSWORD", async (_case, sql) => {
    const dir = migrationsDir({ "0001_role.sql": sql });
    try {
      const options = { connection: { url: db.url }, trackingTable: "unparsed_migrations", allowPopulated };
      const error = await failure(up(loadMigrations(dir.path), options));
      expect(error.code).toBe("INVALID_FILES");
      expect(error.message).toContain("migrations/0001_role.sql:1:");
      expect(error.message).toContain("in the PASSWORD literal (not shown)");
      expect(`${error.message}${JSON.stringify(error.details)}`).not.toContain("S3cret");
    } finally {
      dir.cleanup();
    }
  });
});

describe("database URLs a password breaks", () => {
  it("refuses a password with an unencoded / before connecting: no retry, no DNS look-up, nothing shown", async () => {
    const target = new URL(db.url);
    // The shape of the report: user:1234/Secret@host reads as host "postgres", port 1234, database "Secret@host...".
    const secret = "1234/Sx9Secret";
    const url = `postgres://postgres:${secret}@127.0.0.1:${target.port}/${db.name}`;
    const logger = new CapturingLogger();
    const started = performance.now();
    const error = await failure(readApplied({ connection: { url }, retry: fastRetry, logger }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toContain('there is an "@" after the first "/"');
    expect(error.message).toContain('"/" (write it as %2F)');
    expect(logger.lines).toEqual([]);
    for (const text of [error.message, JSON.stringify(error.details ?? {})]) {
      expect(text).not.toContain("Sx9Secret");
      expect(text).not.toContain(url);
    }
  });

  it("says the server asked for a password when none was given", async () => {
    const saved = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    try {
      const url = withUrl((parsed) => {
        parsed.password = "";
      });
      const error = await failure(readApplied({ connection: { url }, retry: fastRetry }));
      expect(error.code).toBe("CONNECTION_FAILED");
      expect(error.message).toContain("the server asked for a password and none was given");
      expect(error.message).toContain('Give the password of user "postgres" in the URL');
      expect(error.message).toContain("PGPASSWORD");
      expect(error.message).not.toContain("SASL");
      expect(error.message).not.toContain("after 3 attempts");
    } finally {
      if (saved !== undefined) process.env.PGPASSWORD = saved;
    }
  });
});

describe("passwords that are also ordinary words", () => {
  /** A login role that may create tables in `db`, with password `rolePassword`; its URL. */
  async function roleWithPassword(name: string, rolePassword: string): Promise<string> {
    await withAdminClient(async (client) => {
      await client.query(`CREATE ROLE "${name}" LOGIN PASSWORD '${rolePassword}'`);
      await client.query(`GRANT CREATE ON DATABASE "${db.name}" TO "${name}"`);
    });
    await query(db.url, `GRANT CREATE, USAGE ON SCHEMA public TO "${name}"`);
    return withUrl((parsed) => {
      parsed.username = name;
      parsed.password = encodeURIComponent(rolePassword);
    });
  }
  const roles: string[] = [];
  afterAll(async () => {
    await query(db.url, `DROP OWNED BY ${roles.map((role) => `"${role}"`).join(", ")}`);
    await withAdminClient(async (client) => {
      for (const role of roles) await client.query(`DROP ROLE IF EXISTS "${role}"`);
    });
  });

  it("keeps the user name in messages when the password equals it", async () => {
    const role = `${db.name}_same`;
    roles.push(role);
    const url = await roleWithPassword(role, role);
    const missing = new URL(url);
    missing.pathname = "/pgvm_no_such_db";
    const error = await failure(readApplied({ connection: { url: missing.toString() } }));
    expect(error.message).toContain(`Could not connect to ${role}@127.0.0.1:`);
    expect(error.message).toContain("/pgvm_no_such_db");
    expect(error.message).not.toContain("***");
  });

  it("keeps the database name in messages when the password equals it", async () => {
    // A wrong password: the server refuses it, and the message names the target.
    const url = withUrl((parsed) => {
      parsed.password = db.name;
    });
    const error = await failure(readApplied({ connection: { url }, retry: fastRetry }));
    expect(error.message).toContain("28P01");
    expect(error.message).toContain(`Could not connect to postgres@127.0.0.1:${new URL(db.url).port}/${db.name} `);
    expect(error.message).not.toContain("***");
  });

  it("does not replace a common word that is also the password", async () => {
    const role = `${db.name}_word`;
    roles.push(role);
    const url = await roleWithPassword(role, "directory");
    const dir = migrationsDir({
      "0001_full.sql": "DO $$ BEGIN RAISE EXCEPTION 'The data directory is full'; END $$;",
    });
    try {
      const logger = new CapturingLogger();
      const options = { connection: { url }, trackingTable: "word_migrations", logger, allowPopulated };
      const error = await failure(up(loadMigrations(dir.path), options));
      expect(error.code).toBe("MIGRATION_FAILED");
      expect(error.message).toContain("ERROR P0001: The data directory is full");
      expect(error.message).not.toContain("***");
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
