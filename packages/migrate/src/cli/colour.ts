// Colour for the labels of diagnostics ("error", "warning") on stderr: only when a person reads them on a terminal.
// NO_COLOR (https://no-color.org: set and not empty) turns it off; FORCE_COLOR turns it on even through a pipe,
// and FORCE_COLOR=0 off, taking precedence over both as in Node's own tty.getColorDepth.

export interface MaybeTerminal {
  isTTY?: boolean;
}

export function colourEnabled(stream: MaybeTerminal, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

const red = (text: string) => `\u001b[1;31m${text}\u001b[0m`;
const yellow = (text: string) => `\u001b[1;33m${text}\u001b[0m`;

const label = /^(error(?: \[[A-Z_]+\])?:|warning:)/;

/** The line with its leading "error:", "error [CODE]:" or "warning:" label coloured. */
export function paintLabel(line: string): string {
  return line.replace(label, (found) => (found.startsWith("error") ? red(found) : yellow(found)));
}
