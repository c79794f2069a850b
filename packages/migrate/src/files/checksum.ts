import { createHash } from "node:crypto";

/** File content as the engine runs and checksums it: UTF-8 BOM removed, CRLF line endings turned into LF. */
export function normaliseSql(content: string): string {
  return content.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
}

/** SHA-256 hex of the normalised content: a file saved with CRLF or LF line endings has the same checksum. */
export function checksumOf(content: string): string {
  return createHash("sha256").update(normaliseSql(content), "utf8").digest("hex");
}
