import { readFileSync } from "node:fs";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The file as UTF-8 text; "" after pushing a problem naming `displayPath` when it cannot be read. */
export function readUtf8(path: string, displayPath: string, problems: string[]): string {
  try {
    return utf8.decode(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(
      code === "ERR_ENCODING_INVALID_ENCODED_DATA"
        ? `${displayPath}: the file is not valid UTF-8 text; save it as UTF-8`
        : `${displayPath}: cannot read the file (${code ?? String(error)})`,
    );
    return "";
  }
}
