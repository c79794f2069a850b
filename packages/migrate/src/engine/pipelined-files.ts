// Consecutive transactional files as one pipeline: each file's script is sent without waiting for the answer to
// the one before, so the server goes from one file to the next without idling for a round trip, and the client
// prepares the next script while the server runs one. docs/benchmarks.md has the figures.
//
// Why a file sent early never runs after the one before it failed: inside a shared transaction, a failure leaves
// the transaction aborted and the server refuses every later script ("current transaction is aborted"). With a
// transaction per file, a failure before COMMIT leaves that file's transaction aborted in the same way; a failure
// at its COMMIT (a deferred constraint) ends it, so each such file starts with a guard that fails unless the file
// before it committed. Either way the scripts sent after a failure are answered with an error and have no effect;
// they are waited for, then the failing file's error is thrown as for a file run on its own.
import { ScriptError, type ScriptResult } from "../db/database";
import {
  type FileOutcome,
  type FileRun,
  runningStatement,
  sessionAfter,
  type TransactionalScript,
  transactionalFailure,
  transactionalOutcome,
  transactionalScript,
  watched,
} from "./execute";
import { reportNotices } from "./server-notices";

/**
 * How much SQL may be in flight, in UTF-16 code units of the scripts sent and not yet answered: enough to keep
 * the server busy, bounded so that a run of large files does not queue all of them in the socket's buffers. The
 * file after the one running is sent whatever its size.
 */
export const pipelineInFlightLimit = 1 << 20;

export interface PipelinedFiles {
  /**
   * The files in order, all transactional, on one database: each with `sharedTransaction` (inside a transaction the
   * caller opened), or each in its own transaction (`guard` then tells whether the one before it committed).
   */
  runs: readonly FileRun[];
  /** Own transactions only: a statement that fails unless runs[index - 1] committed (index >= 1). */
  guard?: (index: number) => string;
  /** Before each file is sent; throws to send nothing more (an interrupted run). */
  beforeSending(): void;
  /** The server starts runs[index] (the answer to the one before arrived): its log line and progress event. */
  onStarted(index: number): void;
  /** runs[index] ran to its end (committed, with a transaction of its own). */
  onDone(index: number, outcome: FileOutcome): void;
}

interface SentFile {
  run: FileRun;
  script: TransactionalScript;
  warning: string | undefined;
  answer: Promise<ScriptResult>;
}

/** Runs the files in order, their scripts pipelined; the first failure stops the run (see above). */
export async function runPipelinedFiles(files: PipelinedFiles): Promise<void> {
  const { runs, guard, beforeSending, onStarted, onDone } = files;
  const first = runs[0];
  if (!first) return;
  const { database, logger } = first;
  const pipeline = database.openPipeline();
  const sent: SentFile[] = [];
  const stopNotices = reportNotices(
    database,
    () => {
      const run = sent[database.pipelineAnswered ?? 0]?.run;
      return run && { file: run.checked.file, parsed: run.checked.parsed, statement: runningStatement(run) };
    },
    (message) => logger.notice(message),
  );
  let inFlight = 0;
  const send = () => {
    beforeSending();
    const index = sent.length;
    const listed = runs[index] as FileRun;
    const run = guard && index > 0 ? { ...listed, guard: guard(index) } : listed;
    const { reset, warning } = sessionAfter(run);
    const script = transactionalScript(run, reset);
    inFlight += script.text.length;
    sent.push({ run, script, warning, answer: pipeline.send(script.text) });
  };
  try {
    for (let index = 0; index < runs.length; index++) {
      while (sent.length < runs.length && (sent.length <= index + 1 || inFlight < pipelineInFlightLimit)) send();
      const { run, script, warning, answer } = sent[index] as SentFile;
      onStarted(index);
      const started = performance.now();
      let outcome: FileOutcome;
      try {
        outcome = transactionalOutcome(run, await watched(run, () => answer), started);
      } catch (error) {
        if (!(error instanceof ScriptError)) throw error;
        await pipeline.close();
        throw await transactionalFailure(run, script, error);
      } finally {
        inFlight -= script.text.length;
      }
      if (warning) logger.warn(warning);
      onDone(index, outcome);
    }
  } finally {
    await pipeline.close();
    stopNotices();
  }
}
