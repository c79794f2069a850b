import { Redactor } from "../redact";
import { colourEnabled, paintLabel } from "./colour";

export interface Writers {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr's error and warning labels may be coloured (a terminal, see colour.ts); default no. */
  colourStderr?: boolean;
}

export const processWriters: Writers = {
  stdout: (text) => write(process.stdout, text),
  stderr: (text) => write(process.stderr, text),
  get colourStderr() {
    return colourEnabled(process.stderr, process.env);
  },
};

const watchedStreams = new WeakSet<NodeJS.WritableStream>();
const closedStreams = new WeakSet<NodeJS.WritableStream>();

/**
 * Output is a by-product of a run: a reader that went away (EPIPE from `| head -1`) must neither stop the
 * migrations nor change the exit code. Once a stream fails, the rest of its output is dropped.
 */
function write(stream: NodeJS.WritableStream, text: string): void {
  if (closedStreams.has(stream)) return;
  if (!watchedStreams.has(stream)) {
    watchedStreams.add(stream);
    stream.on("error", () => closedStreams.add(stream));
  }
  try {
    stream.write(text);
  } catch {
    closedStreams.add(stream);
  }
}

/** Everything the CLI prints goes through here, so no password or connection string can slip out. */
export class Output {
  private redactor = new Redactor();

  constructor(
    private readonly writers: Writers,
    readonly json: boolean,
  ) {}

  /** Once the connection is known: the engine's redaction rules for it. */
  useRedactor(redactor: Redactor): void {
    this.redactor = redactor;
  }

  /** Human output on stdout (ignored in --json mode, where stdout carries one JSON document). */
  line(text = ""): void {
    if (!this.json) this.writers.stdout(`${this.redactor.redact(text)}\n`);
  }

  /** Diagnostics and progress on stderr, in both modes. */
  note(text: string): void {
    const line = this.redactor.redact(text);
    this.writers.stderr(`${this.writers.colourStderr ? paintLabel(line) : line}\n`);
  }

  document(value: unknown): void {
    this.writers.stdout(`${this.redactor.redact(JSON.stringify(value, null, 2))}\n`);
  }
}
