// Position conversions for SQL text. The parser reports UTF-8 byte offsets, PostgreSQL reports 1-based
// character (code point) positions, JavaScript strings index UTF-16 code units: these all differ as soon as
// the text contains non-ASCII characters.

/**
 * What PostgreSQL's error positions count: characters (code points), except in a SQL_ASCII database, where the
 * server does not know the encoding and counts bytes.
 */
export type PositionUnit = "character" | "byte";

export interface LineColumn {
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
}

export class SourceText {
  readonly text: string;
  private byteOffsets?: Uint32Array;
  private codePointOffsets?: Uint32Array;
  private lineStarts?: number[];

  /** All offsets coincide for ASCII text, the common case: no tables needed. */
  private readonly ascii: boolean;

  constructor(text: string) {
    this.text = text;
    this.ascii = !/\P{ASCII}/u.test(text);
  }

  /** JavaScript index of a UTF-8 byte offset (as in the parser's stmt_location). */
  indexOfByte(byteOffset: number): number {
    if (this.ascii) return Math.min(byteOffset, this.text.length);
    this.byteOffsets ??= this.cumulative((codePoint) => utf8Length(codePoint));
    return lowerBound(this.byteOffsets, byteOffset);
  }

  /** JavaScript index of a 0-based code point offset (PostgreSQL's error position minus one). */
  indexOfCodePoint(codePointOffset: number): number {
    if (this.ascii) return Math.min(codePointOffset, this.text.length);
    this.codePointOffsets ??= this.cumulative(() => 1);
    return lowerBound(this.codePointOffsets, codePointOffset);
  }

  /** Number of code points before a JavaScript index. */
  codePointsBefore(index: number): number {
    if (this.ascii) return Math.min(index, this.text.length);
    this.codePointOffsets ??= this.cumulative(() => 1);
    return this.codePointOffsets[Math.min(index, this.text.length)] ?? 0;
  }

  /** Number of UTF-8 bytes before a JavaScript index. */
  bytesBefore(index: number): number {
    if (this.ascii) return Math.min(index, this.text.length);
    this.byteOffsets ??= this.cumulative((codePoint) => utf8Length(codePoint));
    return this.byteOffsets[Math.min(index, this.text.length)] ?? 0;
  }

  /** JavaScript index of a 0-based server position offset counted in `unit`. */
  indexOfPosition(offset: number, unit: PositionUnit): number {
    return unit === "byte" ? this.indexOfByte(offset) : this.indexOfCodePoint(offset);
  }

  /** Number of `unit`s before a JavaScript index. */
  positionsBefore(index: number, unit: PositionUnit): number {
    return unit === "byte" ? this.bytesBefore(index) : this.codePointsBefore(index);
  }

  lineColumn(index: number): LineColumn {
    this.lineStarts ??= lineStartsOf(this.text);
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] ?? 0) <= index) low = middle;
      else high = middle - 1;
    }
    const lineStart = starts[low] ?? 0;
    return { line: low + 1, column: this.codePointsBefore(index) - this.codePointsBefore(lineStart) + 1 };
  }

  /**
   * offsets[i] = measure of text before JavaScript index i, where each code point counts `weight(codePoint)`.
   * The low surrogate of a pair gets the same offset as its high surrogate, so a lookup never lands inside a pair.
   */
  private cumulative(weight: (codePoint: number) => number): Uint32Array {
    const text = this.text;
    const offsets = new Uint32Array(text.length + 1);
    let total = 0;
    for (let index = 0; index < text.length; ) {
      const codePoint = text.codePointAt(index) ?? 0;
      const units = codePoint > 0xffff ? 2 : 1;
      offsets[index] = total;
      if (units === 2) offsets[index + 1] = total;
      total += weight(codePoint);
      index += units;
    }
    offsets[text.length] = total;
    return offsets;
  }
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/** Smallest index whose offset is >= target (offsets are non-decreasing). */
function lowerBound(offsets: Uint32Array, target: number): number {
  let low = 0;
  let high = offsets.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((offsets[middle] ?? 0) < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Line breaks are LF, CRLF or a lone CR (old Mac files), as PostgreSQL's lexer reads them. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (const match of text.matchAll(/\r\n|\r|\n/g)) starts.push(match.index + match[0].length);
  return starts;
}
