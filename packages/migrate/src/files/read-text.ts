import { readFileSync } from "node:fs";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The file's bytes, or the error that prevented reading them. */
export function readBytes(path: string): Buffer | NodeJS.ErrnoException {
  try {
    return readFileSync(path);
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}

/** The bytes as UTF-8 text; "" after pushing a problem naming `displayPath` when they are not (or were not read). */
export function utf8Text(content: Buffer | NodeJS.ErrnoException, displayPath: string, problems: string[]): string {
  if (!Buffer.isBuffer(content)) {
    problems.push(`${displayPath}: cannot read the file (${content.code ?? String(content)})`);
    return "";
  }
  try {
    return utf8.decode(content);
  } catch {
    problems.push(`${displayPath}: the file is not valid UTF-8 text; save it as UTF-8`);
    return "";
  }
}
