// Which squawk rules this project turns off by default, and why.
//
// The linter guards the operation of running a migration against a live database: locks that block
// reads or writes, table rewrites, non-concurrent index builds on existing tables, statements that cannot be
// re-run after a partial failure. In strict mode (production) every finding blocks the deployment, so rules
// that judge schema design rather than the safety of the operation are off: they would flag every new table.

/** Rules skipped unless LintOptions.excludedRules says otherwise. */
export const DEFAULT_EXCLUDED_RULES: readonly string[] = [
  // Schema-design opinions, not hazards of running the migration.
  "prefer-bigint-over-int",
  "prefer-bigint-over-smallint",
  "prefer-identity",
  "prefer-text-field",
  "prefer-timestamptz",
  "ban-char-field",
  // HNSW/IVFFlat index builds legitimately run for minutes or hours, and a statement_timeout would kill them;
  // squawk cannot tell a long build from a blocked one. Waiting on locks, the cause of outages, stays covered by
  // require-lock-timeout.
  "require-statement-timeout",
];

/** Rules satisfied by a session setting the engine applies before the migration's SQL runs. */
export const timeoutRuleSettings: Readonly<Record<string, string>> = {
  "require-lock-timeout": "lock_timeout",
  "require-statement-timeout": "statement_timeout",
};

/**
 * The project's own rule (not squawk's), on with LintOptions.cluster: a table with a vector column the migrations
 * never distribute on a Citus cluster.
 */
export const clusterRule = "citus-undistributed-vector-table";

/** squawk documents every rule at this address; the project's own rule is documented in docs/scaling-out.md. */
export function ruleUrl(rule: string): string {
  if (rule === clusterRule) return "docs/scaling-out.md#migrations-on-a-cluster";
  return `https://squawkhq.com/docs/${rule}`;
}

/** PostgreSQL treats 0 (in any unit) as "no timeout", which does not satisfy a timeout rule. */
export function isPositiveDuration(value: string | undefined): boolean {
  if (value === undefined) return false;
  const match = /^\s*(\d+(?:\.\d+)?)/.exec(value);
  return match !== null && Number(match[1]) > 0;
}
