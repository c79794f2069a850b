// Native migration file names: NNNN_name.sql (up) and NNNN_name.down.sql (down). The version and the name are
// separated by "_" or "-", and the name may use letters of either case, digits, "_" and "-", as teams write them
// (001-initial-schema.sql, 20260203101500_custom-tools.sql).

export interface ParsedFileName {
  kind: "up" | "down";
  version: number;
  /** Digits as written, "0003": keeps the width for new files. */
  versionText: string;
  name: string;
  /** "0003_add_index": the stem shared by the up and down file. */
  id: string;
}

export type FileNameResult =
  | { ok: true; file: ParsedFileName }
  /** `suggestion`: a valid file name to rename the file to, when one follows from the name. */
  | { ok: false; problem: string; suggestion?: string }
  | { ok: "ignored" };

const namePattern = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const expected = "expected NNNN_name.sql or NNNN_name.down.sql, the name in letters, digits, underscores and dashes";

/** Whether a file is named like SQL (".sql" in any case): every format's migrations are. */
export function hasSqlExtension(fileName: string): boolean {
  return /\.sql$/i.test(fileName);
}

/** Reads a file name of the migrations directory. Files that are clearly not migrations are ignored. */
export function parseFileName(fileName: string): FileNameResult {
  if (!hasSqlExtension(fileName)) return { ok: "ignored" };
  // The suggestion is worked out only for a name that is refused: most names are valid.
  const refuse = (problem: string): FileNameResult => {
    const suggestion = suggestFileName(fileName);
    const rename = suggestion && suggestion !== fileName ? `: rename it to ${suggestion}` : "";
    return { ok: false, problem: `${problem}${rename}`, ...(rename && { suggestion }) };
  };
  if (!fileName.endsWith(".sql")) return refuse(`the extension must be lowercase ".sql" (${expected})`);
  const isDown = fileName.endsWith(".down.sql");
  const stem = fileName.slice(0, -(isDown ? ".down.sql" : ".sql").length);
  if (stem.endsWith(".up")) {
    return refuse('up files have no ".up" suffix here (a golang-migrate folder has them: use format golang-migrate)');
  }
  const match = /^(\d+)[_-](.*)$/.exec(stem);
  if (!match) return refuse(`the name does not start with a version number and an underscore (${expected})`);
  const [, versionText = "", name = ""] = match;
  if (!namePattern.test(name)) {
    return refuse(`the name "${name}" must start with a letter or digit and contain only letters, digits, "_" and "-"`);
  }
  const version = Number(versionText);
  if (version === 0) {
    return {
      ok: false,
      problem:
        'version 0 is reserved (it means "nothing applied"): start at 1 (a drizzle-kit folder, with meta/_journal.json, is read with format drizzle)',
    };
  }
  if (!Number.isSafeInteger(version)) return { ok: false, problem: `version ${versionText} is too large` };
  return { ok: true, file: { kind: isDown ? "down" : "up", version, versionText, name, id: stem } };
}

/**
 * A valid name close to `fileName`, or undefined when none follows from it (no version number, version 0, no
 * name left). Every suggestion passes `parseFileName`.
 */
export function suggestFileName(fileName: string): string | undefined {
  let stem = fileName.replace(/\.sql$/i, "");
  const isDown = /\.down$/i.test(stem);
  if (isDown) stem = stem.slice(0, -".down".length);
  if (/\.up$/i.test(stem)) stem = stem.slice(0, -".up".length);
  const match = /^(\d+)[_-]*(.*)$/.exec(stem);
  if (!match) return undefined;
  const [, versionText = "", rest = ""] = match;
  const version = Number(versionText);
  if (version === 0 || !Number.isSafeInteger(version)) return undefined;
  const name = rest.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^[_-]+/, "");
  if (name === "") return undefined;
  return `${versionText}_${name}${isDown ? ".down" : ""}.sql`;
}

/** A valid migration name for `createMigration`: letters, digits, "_" and "-", starting with a letter or digit. */
export function isValidMigrationName(name: string): boolean {
  return namePattern.test(name);
}
