import { readFileSync } from "node:fs";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A file whose bytes are not valid UTF-8, with its text as decoded with U+FFFD for those bytes (format detection). */
export class InvalidUtf8 {
  constructor(readonly lossy: string) {}
}

/** A file as read: its text, that it is not UTF-8, or the error that prevented reading it. */
export type FileText = string | InvalidUtf8 | NodeJS.ErrnoException;

/**
 * The file's text, decoded as the fatal UTF-8 TextDecoder decodes it (one leading BOM removed). Read with Node's
 * UTF-8 fast path, which allocates no buffer: reading 1000 migrations takes about half the time. That path turns
 * invalid bytes into U+FFFD, so only a text containing U+FFFD (rare, and valid in UTF-8) has its bytes checked.
 */
export function readFileText(path: string): FileText {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  if (text.includes("\uFFFD")) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      return error as NodeJS.ErrnoException;
    }
    try {
      return utf8.decode(bytes);
    } catch {
      return new InvalidUtf8(text);
    }
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The text; "" after pushing a problem naming `displayPath` when it is not UTF-8 or was not read. */
export function textOrProblem(content: FileText, displayPath: string, problems: string[]): string {
  if (typeof content === "string") return content;
  if (content instanceof InvalidUtf8) {
    problems.push(`${displayPath}: the file is not valid UTF-8 text; save it as UTF-8`);
  } else {
    problems.push(`${displayPath}: cannot read the file (${content.code ?? String(content)})`);
  }
  return "";
}
