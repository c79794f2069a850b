// The question `down` asks on a terminal before reverting anything.
import type * as Readline from "node:readline/promises";

/**
 * Asks on stderr (stdout may be a --json document) and reads one line from the terminal. Ctrl-C or Ctrl-D at the
 * prompt (the terminal is in raw mode, so no signal reaches the process) answers "no".
 */
export async function terminalQuestion(question: string): Promise<string> {
  // Loaded here: only `down` on a terminal asks, and every command would load readline otherwise.
  const { createInterface } = require("node:readline/promises") as typeof Readline;
  const reader = createInterface({ input: process.stdin, output: process.stderr });
  const cancel = new AbortController();
  reader.on("SIGINT", () => cancel.abort());
  reader.on("close", () => cancel.abort());
  try {
    return await reader.question(question, { signal: cancel.signal });
  } catch {
    return "";
  } finally {
    reader.close();
  }
}
