// Migration lint API: squawk findings for migration files, and their renderings.
export { filesChangedSince } from "./changed";
export { formatLintFinding, githubAnnotations, lintCounts, lintMarkdownSummary } from "./format";
export { lintErrors, lintMigrations } from "./lint";
export { rowLevelSecurityRule, supabaseDefaultExposedSchemas } from "./row-level-security";
export { clusterRule, DEFAULT_EXCLUDED_RULES } from "./rules";
export type { LintFinding, LintLevel, LintOptions } from "./types";
