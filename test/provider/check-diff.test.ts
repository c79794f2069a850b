// check and diff run during `pulumi preview`, often with values that are not known yet; they never connect.
// (The full path through the dynamic-provider host is in host.test.ts.)
import { describe, expect, it } from "vitest";
import type { MigrationsInputs, MigrationsOutputs } from "../../infra/migrations/args";
import { migrationsProvider } from "../../infra/migrations/provider";

const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const checksum = (digit: string) => digit.repeat(64);
const entry = (id: string, digit: string) => ({ id, file: `${id}.sql`, checksum: checksum(digit) });

const inputs: MigrationsInputs = {
  connection: {
    host: "db.example.com",
    port: 5432,
    database: "app",
    user: "migrator",
    password: "pw",
    sslmode: "require",
  },
  directory: "migrations",
  migrations: { "1": entry("0001_init", "1"), "2": entry("0002_items_hnsw", "2") },
  trackingTable: "public.schema_migrations",
  lockTimeoutSeconds: 60,
  allowOutOfOrder: false,
  onDelete: "keep",
  platform: "generic",
  requiredExtensions: [],
  timeoutMinutes: 120,
  // Linting reads the files, which these value-only tests do not have (see host.test.ts).
  lint: "off",
  format: "auto",
  allowPopulated: false,
  importToolLedger: false,
  keepToolLedger: false,
};

const outputs: MigrationsOutputs = {
  ...inputs,
  applied: { "1": { name: "init", checksum: checksum("1") }, "2": { name: "items_hnsw", checksum: checksum("2") } },
  appliedCount: 2,
  latestVersion: 2,
  latestMigration: "0002_items_hnsw",
  newlyApplied: [],
  newlyBaselined: [],
};

const check = (olds: object, news: object) =>
  migrationsProvider.check?.(olds as MigrationsInputs, news as MigrationsInputs);
const diff = (olds: object, news: object) =>
  migrationsProvider.diff?.("app:public.schema_migrations", olds as MigrationsOutputs, news as MigrationsInputs);

describe("check", () => {
  it("accepts a connection that is not known yet", async () => {
    expect((await check({}, { ...inputs, connection: unknown }))?.failures).toEqual([]);
    const partly = { ...inputs.connection, host: unknown, password: unknown };
    expect((await check(inputs, { ...inputs, connection: partly }))?.failures).toEqual([]);
  });

  it("accepts new migrations and rejects entries the resource would never produce", async () => {
    const news = {
      ...inputs,
      migrations: {
        ...inputs.migrations,
        "3": entry("0003_add_title", "3"),
        "0004": entry("0004_x", "4"),
        "5": { ...entry("0005_x", "5"), file: "../0005_x.sql" },
      },
    };
    // (Integer-like keys come first in a JavaScript object.)
    expect((await check(inputs, news))?.failures).toEqual([
      { property: "migrations", reason: expect.stringContaining('migration "5" is not a version') },
      { property: "migrations", reason: expect.stringContaining('migration "0004" is not a version') },
    ]);
    const checksumsOnly = { ...inputs, migrations: { "1": checksum("1") } };
    expect((await check({}, checksumsOnly))?.failures).toEqual([
      { property: "migrations", reason: expect.stringMatching(/^migrations must map migration versions to their id/) },
    ]);
  });

  it("names every previously applied file that changed or disappeared", async () => {
    const news = { ...inputs, migrations: { "1": entry("0001_init", "a") } };
    const reasons = (await check(inputs, news))?.failures?.map((failure) => failure.reason);
    expect(reasons).toEqual([
      expect.stringMatching(/^migrations\/0001_init\.sql changed after it was applied \(checksum 111111111111… when/),
      expect.stringMatching(/^migrations\/0002_items_hnsw\.sql was applied by an earlier update but is no longer/),
    ]);
  });

  it("rejects an absolute directory and a URL that is not postgres://", async () => {
    const news = { ...inputs, directory: "/home/me/migrations", connection: { url: "mysql://x" } };
    expect((await check({}, news))?.failures?.map((failure) => failure.property)).toEqual(["connection", "directory"]);
    expect((await check({}, { ...inputs, directory: "C:\\work\\migrations" }))?.failures).toEqual([
      {
        property: "directory",
        reason: "directory must be the migrations folder relative to the project directory (where Pulumi.yaml is)",
      },
    ]);
  });

  it("rejects a tracking table and extension names the engine would refuse, naming the value", async () => {
    const news = { ...inputs, trackingTable: "Ops.Schema-Migrations", requiredExtensions: ["pg_trgm", "Vector!"] };
    expect((await check({}, news))?.failures).toEqual([
      {
        property: "trackingTable",
        reason: expect.stringMatching(
          /^trackingTable "Ops\.Schema-Migrations" is not a table name: use table or schema/,
        ),
      },
      {
        property: "requiredExtensions",
        reason: expect.stringMatching(/^requiredExtensions: "Vector!" is not an extension name/),
      },
    ]);
    for (const trackingTable of ["schema_migrations", "ops.applied_migrations"]) {
      expect((await check({}, { ...inputs, trackingTable }))?.failures).toEqual([]);
    }
  });

  it("rejects a URL that cannot be parsed, without showing it, and a bad sslmode in it", async () => {
    const unparsable = { url: "postgres://migrator:p@ss:word@db.example.com:port/app" };
    const failures = (await check({}, { ...inputs, connection: unparsable }))?.failures;
    expect(failures).toEqual([
      { property: "connection", reason: expect.stringContaining("connection.url cannot be parsed as a URL") },
    ]);
    expect(JSON.stringify(failures)).not.toContain("p@ss:word");
    const badSslmode = { url: "postgres://migrator:pw@db.example.com/app?sslmode=on" };
    expect((await check({}, { ...inputs, connection: badSslmode }))?.failures).toEqual([
      {
        property: "connection",
        reason:
          "connection.url has sslmode=on: use one of disable, allow, prefer, require, verify-ca, verify-full, no-verify",
      },
    ]);
  });

  it("refuses at preview a URL whose password needs percent-encoding, as the engine would at up", async () => {
    const unencoded = { url: "postgres://migrator:1234/Sx9Secret@db.example.com:5432/app" };
    const failures = (await check({}, { ...inputs, connection: unencoded }))?.failures;
    expect(failures).toEqual([
      {
        property: "connection",
        reason: expect.stringMatching(/^connection\.url cannot be parsed as a URL .*"\/" \(write it as %2F\)/),
      },
    ]);
    expect(JSON.stringify(failures)).not.toContain("Sx9Secret");
    const encoded = { url: "postgres://migrator:1234%2FSx9Secret@db.example.com:5432/app" };
    expect((await check({}, { ...inputs, connection: encoded }))?.failures).toEqual([]);
  });

  it("rejects a lint mode other than off, warn and strict", async () => {
    expect((await check({}, { ...inputs, lint: "error" }))?.failures).toEqual([
      { property: "lint", reason: "lint must be one of off, warn, strict" },
    ]);
  });

  it("keeps lint warnings and pending actions only from its own run, never from the program's inputs", async () => {
    const checked = await check(inputs, { ...inputs, lintWarnings: ["stale"], pending: { "9": "apply" } });
    expect(checked?.inputs).toEqual(inputs);
  });

  it("marks each migration the state does not list: up to the baseline recorded, after it run", async () => {
    const news = {
      ...inputs,
      migrations: { ...inputs.migrations, "3": entry("0003_add_title", "3") },
      baseline: "0002",
      baselineVersion: 2,
    };
    expect(await check({}, news)).toEqual({
      inputs: { ...news, pending: { "1": "baseline", "2": "baseline", "3": "apply" } },
      failures: [],
    });
    // An update: only what the earlier update did not list.
    expect((await check(inputs, news))?.inputs?.pending).toEqual({ "3": "apply" });
    expect(await check(inputs, { ...inputs, baseline: "2", baselineVersion: 2 })).toEqual({
      inputs: { ...inputs, baseline: "2", baselineVersion: 2 },
      failures: [],
    });
  });

  it("rejects a baseline that is no version, or that the program did not resolve to one of the migrations", async () => {
    expect((await check({}, { ...inputs, baseline: "latest" }))?.failures).toEqual([
      {
        property: "baseline",
        reason:
          "baseline must be the version of a migration as its file name writes it, e.g. 3, 0003, 20260203101500 or 1.9",
      },
    ]);
    expect((await check({}, { ...inputs, baseline: "7", baselineVersion: 7 }))?.failures).toEqual([
      {
        property: "baseline",
        reason: expect.stringMatching(/^baseline "7" is not the version of a migration in migrations/),
      },
    ]);
  });

  it("rejects a format other than auto and the formats the engine reads", async () => {
    expect((await check({}, { ...inputs, format: "liquibase" }))?.failures).toEqual([
      {
        property: "format",
        reason: "format must be one of auto, native, drizzle, supabase, dbmate, golang-migrate, flyway, prisma",
      },
    ]);
    expect((await check({}, { ...inputs, allowPopulated: "yes" }))?.failures).toEqual([
      { property: "allowPopulated", reason: "allowPopulated must be true or false" },
    ]);
  });

  it("accepts a renamed file with the same version and content as no change to what was applied", async () => {
    const renamed = { ...inputs, migrations: { ...inputs.migrations, "1": { ...entry("0001_initial", "1") } } };
    expect(await check(inputs, renamed)).toEqual({ inputs: renamed, failures: [] });
  });
});

describe("identity: migrations are keyed by version, names are values", () => {
  it("reports no change for a renamed file with the same version and content", async () => {
    const renamed = {
      ...inputs,
      migrations: { "1": entry("001_initial-schema", "1"), "2": entry("0002_items_hnsw_index", "2") },
    };
    expect(await diff(outputs, renamed)).toEqual({ changes: false, replaces: [] });
  });

  it("reports no change when the tracking table names the migrations otherwise than the files (a baseline, another tool)", async () => {
    const otherNames = {
      ...outputs,
      applied: { "1": { name: "initial", checksum: checksum("1") }, "2": { name: "hnsw", checksum: checksum("2") } },
    };
    expect(await diff(otherNames, inputs)).toEqual({ changes: false, replaces: [] });
  });

  it("reads a state written before the maps were keyed by version, and the options it lacks as their defaults", async () => {
    const { format: _format, allowPopulated: _allowPopulated, ...older } = outputs;
    const legacy = {
      ...older,
      migrations: { "0001_init": checksum("1"), "0002_items_hnsw": checksum("2") },
      applied: { "0001_init": checksum("1"), "0002_items_hnsw": checksum("2") },
    };
    expect(await diff(legacy, inputs)).toEqual({ changes: false, replaces: [] });
    expect(await check(legacy, inputs)).toEqual({ inputs, failures: [] });
    const edited = { ...inputs, migrations: { ...inputs.migrations, "2": entry("0002_items_hnsw", "b") } };
    expect((await check(legacy, edited))?.failures).toEqual([
      {
        property: "migrations",
        reason: expect.stringMatching(/^migrations\/0002_items_hnsw\.sql changed after it was applied/),
      },
    ]);
    expect((await diff(legacy, edited))?.changes).toBe(true);
  });

  it("compares a baseline by the version it names: the same version written otherwise is no change", async () => {
    const withBaseline = { ...outputs, baseline: "2", baselineVersion: 2 };
    expect(await diff(withBaseline, { ...inputs, baseline: "0002", baselineVersion: 2 })).toEqual({
      changes: false,
      replaces: [],
    });
    expect((await diff(withBaseline, { ...inputs, baseline: "1", baselineVersion: 1 }))?.changes).toBe(true);
    expect((await diff(outputs, { ...inputs, baseline: "2", baselineVersion: 2 }))?.changes).toBe(true);
  });

  it("reports a change for a migration whose content differs under the same version", async () => {
    const edited = { ...inputs, migrations: { ...inputs.migrations, "2": entry("0002_items_hnsw", "b") } };
    expect(await diff(outputs, edited)).toEqual({ changes: true, replaces: [] });
  });
});

describe("diff", () => {
  it("reports no change for the same inputs", async () => {
    expect(await diff(outputs, inputs)).toEqual({ changes: false, replaces: [] });
  });

  it("reports no change when only the lint mode or the lint warnings differ: they change nothing in the database", async () => {
    expect(
      await diff(outputs, { ...inputs, lint: "strict", lintWarnings: ["migrations/0002_items_hnsw.sql:1:1: …"] }),
    ).toEqual({
      changes: false,
      replaces: [],
    });
  });

  it("reports a change, not a replacement, for a setting such as onDelete", async () => {
    expect(await diff(outputs, { ...inputs, onDelete: "down" })).toEqual({ changes: true, replaces: [] });
  });

  it("reports a change when the tracking table no longer matches the files (drift found by refresh)", async () => {
    const drifted = { ...outputs, applied: { "1": { name: "init", checksum: checksum("1") } } };
    expect(await diff(drifted, inputs)).toEqual({ changes: true, replaces: [] });
  });

  it("does not replace when the whole connection is unknown during preview", async () => {
    expect(await diff(outputs, { ...inputs, connection: unknown })).toEqual({ changes: true, replaces: [] });
  });

  it("updates in place instead of replacing when onDelete is down, so a replacement never reverts the old target", async () => {
    const elsewhere = { ...inputs.connection, host: "alias.example.com" };
    expect((await diff(outputs, { ...inputs, connection: elsewhere }))?.replaces).toEqual(["connection"]);
    expect(
      await diff({ ...outputs, onDelete: "down" }, { ...inputs, onDelete: "down", connection: elsewhere }),
    ).toEqual({
      changes: true,
      replaces: [],
    });
  });

  it("replaces when a URL points at another database, comparing hosts case-insensitively", async () => {
    const url = (host: string, database: string) => ({ url: `postgresql://migrator:pw@${host}:5432/${database}` });
    expect(await diff(outputs, { ...inputs, connection: url("DB.example.com", "app") })).toEqual({
      changes: true,
      replaces: [],
    });
    expect((await diff(outputs, { ...inputs, connection: url("db.example.com", "app2") }))?.replaces).toEqual([
      "connection",
    ]);
  });
});
