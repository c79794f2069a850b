// Migration file names: NNNN_name.sql (up) and NNNN_name.down.sql (down).

export interface ParsedFileName {
  kind: "up" | "down";
  version: number;
  /** Digits as written, "0003": keeps the width for new files. */
  versionText: string;
  name: string;
  /** "0003_add_index": the stem shared by the up and down file. */
  id: string;
}

export type FileNameResult = { ok: true; file: ParsedFileName } | { ok: false; problem: string } | { ok: "ignored" };

const namePattern = /^[a-z0-9][a-z0-9_]*$/;
const expected = "expected NNNN_name.sql or NNNN_name.down.sql, name in lowercase letters, digits and underscores";

/** Reads a file name of the migrations directory. Files that are clearly not migrations are ignored. */
export function parseFileName(fileName: string): FileNameResult {
  if (!/\.sql$/i.test(fileName)) return { ok: "ignored" };
  if (!fileName.endsWith(".sql")) {
    return { ok: false, problem: `the extension must be lowercase ".sql" (${expected})` };
  }
  const isDown = fileName.endsWith(".down.sql");
  const stem = fileName.slice(0, -(isDown ? ".down.sql" : ".sql").length);
  if (stem.endsWith(".up")) {
    return { ok: false, problem: `up files have no ".up" suffix: rename it to ${stem.slice(0, -3)}.sql` };
  }
  const match = /^(\d+)([_-])(.*)$/.exec(stem);
  if (!match) {
    return { ok: false, problem: `the name does not start with a version number and an underscore (${expected})` };
  }
  const [, versionText = "", separator, name = ""] = match;
  if (separator === "-") {
    return { ok: false, problem: `separate the version and the name with an underscore: ${versionText}_${name}` };
  }
  if (!namePattern.test(name)) {
    return {
      ok: false,
      problem: `the name "${name}" may only contain lowercase letters, digits and underscores (${expected})`,
    };
  }
  const version = Number(versionText);
  if (version === 0) return { ok: false, problem: 'version 0 is reserved (it means "nothing applied"): start at 1' };
  if (!Number.isSafeInteger(version)) return { ok: false, problem: `version ${versionText} is too large` };
  return { ok: true, file: { kind: isDown ? "down" : "up", version, versionText, name, id: stem } };
}

/** A valid migration name for `createMigration`: lowercase letters, digits, underscores. */
export function isValidMigrationName(name: string): boolean {
  return namePattern.test(name);
}
