// SIGINT and SIGTERM during a command. For `up`/`down`, the first signal asks the engine to stop (it cancels the
// statement in progress on the server, rolls back, releases the lock and closes); the CLI then says what was
// rolled back and what stays applied, and exits with 128 + the signal number. A second signal exits at once.
import { isMigrateError } from "../errors";
import type { AppliedResult, ProgressEvent } from "../types";
import { signalExitCodes } from "./exit-codes";
import type { Output } from "./output";

type HandledSignal = keyof typeof signalExitCodes;
type Started = Extract<ProgressEvent, { kind: "migration-started" }>;

export class Interruption {
  readonly controller = new AbortController();
  received?: HandledSignal;
  private current?: Started;
  private statement?: { ordinal: number; line: number };
  private readonly finished: AppliedResult[] = [];
  private direction: "up" | "down" = "up";

  /** `graceful`: the command can be stopped cleanly (up, down); otherwise the first signal exits at once. */
  constructor(private readonly graceful: boolean) {}

  readonly onProgress = (event: ProgressEvent): void => {
    switch (event.kind) {
      case "migration-started":
        this.direction = event.direction;
        this.current = event;
        this.statement = undefined;
        break;
      case "statement-started":
        this.statement = { ordinal: event.ordinal, line: event.line };
        break;
      case "migration-done":
        this.finished.push(event.result);
        this.current = undefined;
        this.statement = undefined;
    }
  };

  /** Handles both signals until the returned function is called. */
  install(output: Output): () => void {
    const handler = (signal: HandledSignal) => {
      if (this.received || !this.graceful) {
        output.note(`${signal}: exiting now${this.received ? ", without waiting for the cleanup" : ""}`);
        process.exit(signalExitCodes[signal]);
      }
      this.received = signal;
      output.note(`${signal}: cancelling the statement in progress and stopping (send it again to exit at once)`);
      this.controller.abort(signal);
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    return () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    };
  }

  /** After the interrupted command settled (`error` is what it threw, if anything): report and exit code. */
  report(output: Output, command: string, error: unknown): number {
    const signal = this.received ?? "SIGINT";
    const lines = [`interrupted by ${signal}.`, ...this.summary()];
    if (error !== undefined && !(isMigrateError(error) && error.code === "INTERRUPTED")) {
      lines.push(`While stopping: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (output.json) {
      output.document({
        command,
        ok: false,
        error: {
          code: "INTERRUPTED",
          message: lines.join("\n"),
          details: { signal, [this.direction === "up" ? "applied" : "reverted"]: this.finished.map((r) => r.id) },
        },
      });
    }
    output.note(`error [INTERRUPTED]: ${lines.join("\n")}`);
    return signalExitCodes[signal];
  }

  private summary(): string[] {
    const up = this.direction === "up";
    const lines: string[] = [];
    const current = this.current;
    if (current?.transactional) {
      lines.push(
        up
          ? `Rolled back: ${current.displayPath} (one transaction: none of its changes and no tracking row were applied).`
          : `Rolled back: ${current.displayPath} (one transaction: none of its changes were applied; the migration stays recorded as applied).`,
      );
    } else if (current) {
      const done = this.statement?.ordinal ?? 0;
      const cancelled = this.statement
        ? `its statement ${done + 1} of ${current.statements} (line ${this.statement.line}) was cancelled, or had just completed`
        : "none of its statements had started";
      lines.push(
        `Not completed: ${current.displayPath} runs outside a transaction: ${cancelled}; ${done === 0 ? "no statement before it was applied" : `the ${done} statement(s) before it were applied and stay applied`}. ${up ? "It is not recorded, so the next run starts it again from the top." : "The migration stays recorded as applied."}`,
      );
    }
    const ids = this.finished.map((result) => result.id);
    const verb = up ? "Applied" : "Reverted";
    lines.push(
      ids.length === 0
        ? `${verb} in this run: none.`
        : `${verb} in this run, and kept: ${ids.length} migration${ids.length === 1 ? "" : "s"} (${ids.join(", ")}).`,
    );
    return lines;
  }
}
