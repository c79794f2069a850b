import { sha256Hex } from "../sha256";

/** File content as the engine runs and checksums it: UTF-8 BOM removed, CRLF line endings turned into LF. */
export function normaliseSql(content: string): string {
  // The tests first: most files have neither, and a run reads every file of the folder.
  const withoutBom = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  return withoutBom.includes("\r\n") ? withoutBom.replace(/\r\n/g, "\n") : withoutBom;
}

/** SHA-256 hex of the normalised content: a file saved with CRLF or LF line endings has the same checksum. */
export function checksumOf(content: string): string {
  return checksumOfNormalised(normaliseSql(content));
}

/** checksumOf a text normaliseSql returned, without normalising it again. */
export function checksumOfNormalised(sql: string): string {
  return sha256Hex(sql);
}
