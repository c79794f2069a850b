// plan and up with loadMigrationsAsync (files/load.ts, engine/session.ts openWhileLoading): the connection opens
// while the files load, yet the outcome is that of loading them first: a file error wins over any connection
// error, and abandons the connection attempt (its socket, its retries).
import { createServer, type Server, type Socket } from "node:net";
import { loadMigrations, loadMigrationsAsync, plan, up } from "pgvector-migrate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNativeDatabase, freePort, type NativeDatabase } from "../support";
import { engineOptions, failure, type MigrationsDir, migrationsDir, thrown } from "./helpers";

let dir: MigrationsDir;
beforeEach(() => {
  dir = migrationsDir();
});
afterEach(() => dir.cleanup());

/** Enough files that loading them takes many turns of the event loop (50 files a turn). */
function writeMany(count: number): void {
  for (let version = 1; version <= count; version++) {
    dir.write(`${String(version).padStart(4, "0")}_t${version}.sql`, `CREATE TABLE t${version} (id int);\n`);
  }
}

/** A TCP server that accepts connections and never answers: a connection attempt to it waits. */
async function silentServer() {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const connected: (() => void)[] = [];
  const server: Server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    // Reading, so that the client's close is seen.
    socket.resume();
    socket.on("close", () => sockets.delete(socket));
    for (const notify of connected.splice(0)) notify();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `postgres://postgres:secret@127.0.0.1:${port}/db?sslmode=disable`,
    accepted: () => accepted,
    open: () => sockets.size,
    nextConnection: () => new Promise<void>((resolve) => connected.push(resolve)),
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("loadMigrationsAsync", () => {
  it("reads what loadMigrations reads, in every format", () => {
    writeMany(120);
    dir.write("0121_last.down.sql", "DROP TABLE t121;");
    dir.write("0121_last.sql", "\uFEFF-- migrate:set lock_timeout = '5s'\r\nCREATE TABLE t121 (id int);\r\n");
    return loadMigrationsAsync(dir.path).then((set) => expect(set).toEqual(loadMigrations(dir.path)));
  });

  it("reads a dbmate folder as loadMigrations does", async () => {
    dir.write("20260101000000_a.sql", "-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n");
    dir.write("20260102000000_b.sql", "-- migrate:up\nCREATE TABLE b (id int);\n");
    const set = await loadMigrationsAsync(dir.path);
    expect(set.format).toBe("dbmate");
    expect(set).toEqual(loadMigrations(dir.path));
  });

  it("fails with the same errors", async () => {
    writeMany(60);
    dir.write("7_bad name.sql", "SELECT 1;");
    const path = dir.path;
    const sync = thrown(() => loadMigrations(path));
    const async = await failure(loadMigrationsAsync(path));
    expect(async.code).toBe("INVALID_FILES");
    expect(async.message).toBe(sync.message);
    expect((await failure(loadMigrationsAsync(`${path}/missing`))).code).toBe("INVALID_OPTIONS");
    expect((await failure(loadMigrationsAsync(path, { format: "liquibase" as never }))).code).toBe("INVALID_OPTIONS");
  });
});

describe("connecting while the files load", () => {
  it("opens the connection before the files have loaded", async () => {
    writeMany(1000);
    const server = await silentServer();
    try {
      let loaded = false;
      const loading = loadMigrationsAsync(dir.path).then((set) => {
        loaded = true;
        return set;
      });
      const arrived = server.nextConnection().then(() => loaded);
      const planned = failure(plan(loading, engineOptions(server.url, { retry: { attempts: 1 } })));
      expect(await arrived).toBe(false);
      await loading;
      server.close();
      expect((await planned).code).toBe("CONNECTION_FAILED");
    } finally {
      server.close();
    }
  });

  it("reports a file error, not the connection's, however the connection fails", async () => {
    writeMany(100);
    dir.write("0101_broken.sql", Buffer.from([0xff, 0xfe]).toString("latin1"));
    dir.write("0102_x.SQL", "SELECT 1;");
    const url = `postgres://postgres:secret@127.0.0.1:${await freePort()}/db?sslmode=disable`;
    const sync = thrown(() => loadMigrations(dir.path));
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
    const timersBefore = timers();
    // Refused at once, then retried after a long wait that the file error must cut short.
    const retry = { attempts: 5, initialDelayMs: 600_000, maxDelayMs: 600_000 };
    for (const run of [plan, up]) {
      const error = await failure(run(loadMigrationsAsync(dir.path), engineOptions(url, { retry })));
      expect(error.code).toBe("INVALID_FILES");
      expect(error.message).toBe(sync.message);
    }
    await nextTurn();
    expect(timers()).toBeLessThanOrEqual(timersBefore);
  });

  it("abandons the connection attempt after a file error: its socket is closed and no retry is left waiting", async () => {
    writeMany(1000);
    dir.write("1001_bad name.sql", "SELECT 1;");
    const server = await silentServer();
    try {
      const timersBefore = process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
      const arrived = server.nextConnection();
      const options = engineOptions(server.url, {
        connection: { url: server.url, connectTimeoutMs: 600_000 },
        retry: { attempts: 5, initialDelayMs: 600_000, maxDelayMs: 600_000 },
      });
      const error = await failure(plan(loadMigrationsAsync(dir.path), options));
      expect(error.code).toBe("INVALID_FILES");
      await arrived;
      // Without the abort the server's socket would stay open for the ten-minute connect timeout.
      while (server.open() > 0) await nextTurn();
      expect(server.accepted()).toBe(1);
      await nextTurn();
      const timersAfter = process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
      expect(timersAfter).toBeLessThanOrEqual(timersBefore);
    } finally {
      server.close();
    }
  });

  it("plans and applies through the real server as with loaded files", async () => {
    const db: NativeDatabase = await createNativeDatabase("overlap");
    try {
      writeMany(80);
      const before = await plan(loadMigrationsAsync(dir.path), engineOptions(db.url));
      expect(before.pending).toHaveLength(80);
      const result = await up(loadMigrationsAsync(dir.path), engineOptions(db.url));
      expect(result.applied).toHaveLength(80);
      const after = await plan(loadMigrationsAsync(dir.path), engineOptions(db.url));
      expect(after).toEqual(await plan(loadMigrations(dir.path), engineOptions(db.url)));
      expect(after.pending).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
