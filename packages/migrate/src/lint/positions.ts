// squawk reports 0-based lines and columns counted in UTF-8 bytes; editors, GitHub annotations and the engine's
// `file:line:column` messages count characters from 1.

export interface Position {
  line: number;
  column: number;
}

export class LineIndex {
  private readonly lines: readonly string[];

  constructor(sql: string) {
    this.lines = sql.split("\n").map((line) => line.replace(/\r$/, ""));
  }

  /** The text of a 0-based line. */
  text(line: number): string {
    return this.lines[line] ?? "";
  }

  /** 0-based line and byte column to 1-based line and character column. */
  toCharacterPosition(line: number, byteColumn: number): Position {
    const text = this.lines[line] ?? "";
    const prefix = Buffer.from(text, "utf8").subarray(0, Math.max(0, byteColumn)).toString("utf8");
    return { line: line + 1, column: [...prefix].length + 1 };
  }
}
