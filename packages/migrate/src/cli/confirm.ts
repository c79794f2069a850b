// The question `down` asks on a terminal before reverting anything.
import { createInterface } from "node:readline/promises";

/** Asks on stderr (stdout may be a --json document) and reads one line from the terminal. */
export async function terminalQuestion(question: string): Promise<string> {
  const reader = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await reader.question(question);
  } finally {
    reader.close();
  }
}
