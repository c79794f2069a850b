// Engine options are checked before any connection is made: every bad value is an INVALID_OPTIONS error that names
// the setting and the value, says what to use instead, and never shows the password.
import { type EngineOptions, readApplied } from "pgvector-migrate";
import { describe, expect, it } from "vitest";
import { failure } from "./helpers";

const password = "Opt10ns-Secret-pw";
// Nothing listens on port 1: an option that passed validation would fail with CONNECTION_FAILED instead.
const url = `postgres://migrator:${password}@127.0.0.1:1/app`;
const noRetry = { attempts: 1 };

async function invalidOptions(options: Partial<EngineOptions>, connection: EngineOptions["connection"] = { url }) {
  const error = await failure(readApplied({ connection, retry: noRetry, ...options }));
  expect(error.code).toBe("INVALID_OPTIONS");
  expect(`${error.message}${JSON.stringify(error.details)}`).not.toContain(password);
  return error.message;
}

describe("engine options", () => {
  it.each([
    [{ lockTimeoutMs: -1 }, "Invalid lockTimeoutMs -1: use a number of milliseconds >= 0."],
    [{ lockTimeoutMs: Number.NaN }, "Invalid lockTimeoutMs NaN: use a number of milliseconds >= 0."],
    [
      { trackingTable: "Schema_Migrations" },
      'Invalid tracking table name "Schema_Migrations": use table or schema.table',
    ],
    [{ trackingTable: "a.b.c" }, 'Invalid tracking table name "a.b.c"'],
    [{ trackingTable: "ops." }, 'Invalid tracking table name "ops."'],
    [{ trackingTable: "t".repeat(64) }, "(at most 63 characters)"],
    [{ platform: "aws" as never }, 'Unknown platform "aws": use one of azure, neon, supabase, generic.'],
    [
      { requiredExtensions: ["pg_trgm", "Vector!"] },
      'Invalid extension name "Vector!" in requiredExtensions: use the name as PostgreSQL lists it',
    ],
    [
      { sessionSettings: { "search path": "app" } },
      'Invalid session setting "search path": use a PostgreSQL parameter name',
    ],
    [{ sessionSettings: { work_mem: 64 as never } }, 'Invalid session setting "work_mem"'],
    [{ queryTimeoutMs: 0 }, "Invalid queryTimeoutMs 0: use a number of milliseconds > 0."],
    [{ migrationTimeoutMs: -1 }, "Invalid migrationTimeoutMs -1: use a number of milliseconds >= 0."],
    [{ keepAliveDelayMs: 3e9 }, "Invalid keepAliveDelayMs 3000000000: use a number of milliseconds > 0. At most"],
    [{ progressAfterMs: -1 }, "Invalid progressAfterMs -1: use a number of milliseconds >= 0."],
    [{ progressEveryMs: 0 }, "Invalid progressEveryMs 0: use a number of milliseconds > 0."],
    [{ retry: { attempts: 0 } }, "Invalid retry.attempts 0: use a whole number >= 1."],
    [{ retry: { initialDelayMs: -5 } }, "Invalid retry.initialDelayMs -5: use a number of milliseconds >= 0."],
    [{ retry: { maxDelayMs: Number.POSITIVE_INFINITY } }, "Invalid retry.maxDelayMs Infinity"],
  ] as const)("rejects %j", async (options, expected) => {
    expect(await invalidOptions(options as Partial<EngineOptions>)).toContain(expected);
  });

  it.each([
    [{ url, sslmode: "sometimes" as never }, 'Invalid sslmode "sometimes": use one of disable, allow, prefer, require'],
    [{ url: `${url}?sslmode=on` }, 'Invalid sslmode "on"'],
    [{ url, port: 70000 }, 'Invalid port "70000": use a number from 1 to 65535.'],
    [{ url, connectTimeoutMs: 0 }, "Invalid connectTimeoutMs 0: use a positive number."],
    [{ url: `${url}?connect_timeout=soon` }, 'Invalid connect_timeout "soon": use a number of seconds.'],
    [{ url: `${url}?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem` }, "Cannot read sslrootcert file"],
    [{ url: `mysql://root:${password}@db/app` }, "it must start with postgres:// or postgresql://"],
  ] as const)("rejects the connection %j", async (connection, expected) => {
    expect(await invalidOptions({}, connection as EngineOptions["connection"])).toContain(expected);
  });

  it("needs a connection", async () => {
    const error = await failure(readApplied({} as EngineOptions));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toContain("Engine options need a `connection`");
  });

  it("lets valid options through to the connection attempt", async () => {
    const error = await failure(
      readApplied({
        connection: { url, connectTimeoutMs: 1000 },
        retry: noRetry,
        lockTimeoutMs: 0,
        trackingTable: "ops.applied_migrations",
        platform: "azure",
        requiredExtensions: ["vector", "pg_trgm"],
        sessionSettings: { search_path: "app, public", "hnsw.ef_search": "100" },
      }),
    );
    expect(error.code).toBe("CONNECTION_FAILED");
  });
});
