// Reading the project's Markdown the way GitHub renders it: headings and their anchors, and relative links.
import { readFileSync } from "node:fs";
import path from "node:path";

/** GitHub's anchor for a heading: lower case, punctuation removed, spaces to dashes. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of every heading of a Markdown file outside fenced code blocks. */
export function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  let inCode = false;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("```")) inCode = !inCode;
    const heading = inCode ? undefined : /^#+ (.*)$/.exec(line)?.[1];
    if (heading !== undefined) anchors.add(headingAnchor(heading));
  }
  return anchors;
}

/** Relative link targets of a Markdown file (`page.md#anchor`, `#anchor`, `../path`), outside code blocks. */
export function relativeLinksOf(file: string): string[] {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? "")
    .filter((target) => !/^[a-z]+:/.test(target));
}

/** Whether `docs/page.md#anchor` (relative to the project directory) names an existing heading. */
export function docsReferenceExists(projectDirectory: string, reference: string): boolean {
  const [page = "", anchor] = reference.split("#");
  try {
    return anchor === undefined || anchorsOf(path.join(projectDirectory, page)).has(anchor);
  } catch {
    return false;
  }
}

/** A shell command line of a fenced code block (`sh`, `bash` or `shell`), without its comment. */
export interface DocumentedCommand {
  page: string;
  line: number;
  /** One command of the line (lines chained with && or ; give several). */
  text: string;
  words: string[];
}

/** The commands of the shell code blocks of a Markdown file, as a user would copy them. */
export function shellCommandsOf(projectDirectory: string, page: string): DocumentedCommand[] {
  const commands: DocumentedCommand[] = [];
  let shell: boolean | undefined;
  readFileSync(path.join(projectDirectory, page), "utf8")
    .split("\n")
    .forEach((line, index) => {
      if (line.startsWith("```")) {
        shell = shell === undefined ? /^```(sh|bash|shell|console)\s*$/.test(line) : undefined;
        return;
      }
      if (!shell) return;
      for (const text of splitCommands(line.replace(/^\$ /, ""))) {
        commands.push({ page, line: index + 1, text, words: shellWords(text) });
      }
    });
  return commands;
}

/** `a && b # comment` -> ["a", "b"]: the commands of a line, comments dropped (quotes respected). */
function splitCommands(line: string): string[] {
  const commands: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const character = line[i] ?? "";
    if (quote) {
      if (character === quote) quote = undefined;
      current += character;
      continue;
    }
    if (character === "'" || character === '"') quote = character;
    else if (character === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) break;
    else if (line.startsWith("&&", i) || character === ";") {
      commands.push(current);
      current = "";
      if (character === "&") i++;
      continue;
    }
    current += character;
  }
  commands.push(current);
  return commands.map((command) => command.trim()).filter((command) => command !== "");
}

/** The words of a simple command, with its quotes removed (no expansion: `"$VAR"` stays `$VAR`). */
function shellWords(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? "");
}
