// The lines of a SQL file as PostgreSQL's lexer sees them, without loading the SQL parser: which lines start
// inside a string literal, quoted identifier, dollar-quoted body or block comment (so their text is SQL content,
// whatever it looks like). Line breaks are LF, CRLF or a lone CR: PostgreSQL ends a `--` comment at either.

export interface SqlLine {
  text: string;
  /** 1-based. */
  number: number;
  /** True when the line starts inside a literal, quoted identifier, dollar quote or block comment. */
  continuesToken: boolean;
}

const lineBreak = /\r\n|\r|\n/;
const identifierChar = /[A-Za-z0-9_$\u0080-\uffff]/;
const dollarTag = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

export function sqlLines(sql: string): SqlLine[] {
  const ranges = multiLineTokens(sql);
  const lines: SqlLine[] = [];
  let offset = 0;
  let range = 0;
  const parts = sql.split(lineBreak);
  const breaks = sql.match(new RegExp(lineBreak, "g")) ?? [];
  parts.forEach((text, index) => {
    while (range < ranges.length && (ranges[range]?.[1] ?? 0) <= offset) range += 1;
    const current = ranges[range];
    const continuesToken = current !== undefined && current[0] < offset && offset < current[1];
    lines.push({ text, number: index + 1, continuesToken });
    offset += text.length + (breaks[index]?.length ?? 0);
  });
  return lines;
}

/** [start, end) of every literal, quoted identifier, dollar quote and block comment, in order. */
function multiLineTokens(sql: string): [number, number][] {
  const ranges: [number, number][] = [];
  const length = sql.length;
  let index = 0;
  while (index < length) {
    const char = sql[index];
    const next = sql[index + 1];
    const start = index;
    if (char === "-" && next === "-") {
      while (index < length && sql[index] !== "\n" && sql[index] !== "\r") index += 1;
      continue;
    }
    if (char === "/" && next === "*") {
      let depth = 1;
      index += 2;
      while (index < length && depth > 0) {
        if (sql[index] === "/" && sql[index + 1] === "*") {
          depth += 1;
          index += 2;
        } else if (sql[index] === "*" && sql[index + 1] === "/") {
          depth -= 1;
          index += 2;
        } else index += 1;
      }
      ranges.push([start, index]);
      continue;
    }
    if (char === "'" || char === '"') {
      const before = sql[index - 1] ?? "";
      const escapes = char === "'" && /[eE]/.test(before) && !identifierChar.test(sql[index - 2] ?? "");
      index += 1;
      while (index < length) {
        if (escapes && sql[index] === "\\") index += 2;
        else if (sql[index] === char && sql[index + 1] === char) index += 2;
        else if (sql[index] === char) break;
        else index += 1;
      }
      index += 1;
      ranges.push([start, Math.min(index, length)]);
      continue;
    }
    if (char === "$" && !identifierChar.test(sql[index - 1] ?? "")) {
      dollarTag.lastIndex = index;
      const tag = dollarTag.exec(sql)?.[0];
      if (tag) {
        const close = sql.indexOf(tag, index + tag.length);
        index = close === -1 ? length : close + tag.length;
        ranges.push([start, index]);
        continue;
      }
    }
    index += 1;
  }
  return ranges;
}
