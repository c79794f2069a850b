// The session settings a migration file may set with `-- migrate:set name = value`.

interface SettingRule {
  /** What a valid value looks like, for the error message. */
  expected: string;
  valid(value: string): boolean;
}

const memory: SettingRule = {
  expected: "a size such as '2GB', '512MB' or '65536kB'",
  valid: (value) => /^\d+\s*(B|kB|MB|GB|TB)?$/.test(value),
};

const duration: SettingRule = {
  expected: "a duration such as '30s', '5min', '2h' or '0' (no limit)",
  valid: (value) => /^\d+\s*(us|ms|s|min|h|d)?$/.test(value),
};

const workerCount: SettingRule = {
  expected: "a whole number of workers such as '4'",
  valid: (value) => /^\d{1,4}$/.test(value),
};

const identifier = String.raw`(?:"(?:[^"]|"")+"|\$user|[A-Za-z_][A-Za-z0-9_$]*)`;
const schemaList: SettingRule = {
  expected: "a comma-separated list of schema names such as 'app, public'",
  valid: (value) => new RegExp(String.raw`^\s*${identifier}(\s*,\s*${identifier})*\s*$`).test(value),
};

/** Settings useful while migrating (pgvector recommends the first four for HNSW/IVFFlat builds). */
const allowedSettings: Readonly<Record<string, SettingRule>> = {
  maintenance_work_mem: memory,
  max_parallel_maintenance_workers: workerCount,
  statement_timeout: duration,
  lock_timeout: duration,
  idle_in_transaction_session_timeout: duration,
  work_mem: memory,
  search_path: schemaList,
};

export const allowedSettingNames: readonly string[] = Object.keys(allowedSettings);

/** Returns a problem description, or undefined when `name = value` is allowed. */
export function checkSetting(name: string, value: string): string | undefined {
  const rule = allowedSettings[name];
  if (!rule) {
    return `unknown setting "${name}" (allowed: ${allowedSettingNames.join(", ")})`;
  }
  if (!rule.valid(value)) {
    return `invalid value '${value}' for ${name}: expected ${rule.expected}`;
  }
  return undefined;
}

/** A configuration parameter name as PostgreSQL spells them: `work_mem`, `hnsw.ef_search`. */
export function isSettingName(name: string): boolean {
  return /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(name);
}
