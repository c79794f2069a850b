// The checksums other tools store in their ledgers, computed from the file on disk as each tool computes them.
import { readFileSync } from "node:fs";
import { sha256Hex } from "../sha256";

/**
 * drizzle-orm's `hash`: SHA-256 of the file exactly as read (drizzle-orm/src/migrator.ts, readMigrationFiles:
 * `crypto.createHash('sha256').update(query)` of the whole `<tag>.sql`), so a BOM or CRLF endings count.
 */
export function drizzleHash(path: string): string {
  return sha256Hex(readFileSync(path));
}

/**
 * Whether Prisma accepts `checksum` for the file: SHA-256 hex of migration.sql as it is, with CRLF turned into LF,
 * or with LF turned into CRLF (prisma-engines schema-engine/connectors/schema-connector/src/checksum.rs,
 * script_matches_checksum).
 */
export function prismaChecksumMatches(path: string, checksum: string): boolean {
  const script = readFileSync(path, "utf8");
  return [script, script.replace(/\r\n/g, "\n"), script.replace(/\n/g, "\r\n")].some(
    (variant) => sha256Hex(variant) === checksum,
  );
}

let crcTable: Uint32Array | undefined;

function crc32Update(crc: number, bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let value = ~crc >>> 0;
  for (const byte of bytes) value = ((crcTable[(value ^ byte) & 0xff] ?? 0) ^ (value >>> 8)) >>> 0;
  return ~value >>> 0;
}

/**
 * Flyway's checksum: CRC-32 over the UTF-8 bytes of each line without its line break, the BOM removed, as a signed
 * 32-bit integer (flyway-core/src/main/java/org/flywaydb/core/internal/resolver/ChecksumCalculator.java, lines read
 * with BufferedReader.readLine, which ends a line at \n, \r or \r\n and yields no empty line after a final break).
 */
export function flywayChecksum(content: string): number {
  const lines = content.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  if (lines.at(-1) === "") lines.pop();
  let crc = 0;
  for (const line of lines) crc = crc32Update(crc, Buffer.from(line, "utf8"));
  return crc | 0;
}

export function flywayFileChecksum(path: string): number {
  return flywayChecksum(readFileSync(path, "utf8"));
}
