import type { Problem } from "../../config/problems";
import { quote } from "../../config/setting";
import { extensionsParameter } from "./allowlist";

/** The structured setting: server parameter name -> value, written with `pulumi config set --path`. */
export const serverParametersSetting = "serverParameters";

/** The parameter behind the built-in PgBouncer. */
export const pgbouncerParameter = "pgbouncer.enabled";

export const requireSecureTransportParameter = "require_secure_transport";

/** Parameters the stack writes itself, each from its own setting. */
const managedParameters: Record<string, string> = {
  [extensionsParameter]: "it is written from `extensions` (vector is always included)",
  [requireSecureTransportParameter]: "the stack keeps it on",
  [pgbouncerParameter]: "it is written from the `pgbouncer` setting",
};

/**
 * Parameters that take effect only after a server restart: PostgreSQL's `postmaster` context ("can only be set at
 * server start", https://www.postgresql.org/docs/current/runtime-config.html), which Azure lists as static server
 * parameters (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-server-parameters). Azure does
 * not restart the server when one changes, and neither does azure-native's Configuration
 * (https://github.com/pulumi/pulumi-azure-native/issues/3618): restart it yourself, in a quiet moment.
 */
export const parametersNeedingRestart: readonly string[] = [
  "shared_preload_libraries",
  "max_connections",
  "shared_buffers",
  "max_worker_processes",
  "max_wal_senders",
  "max_replication_slots",
  "wal_level",
  "max_prepared_transactions",
  "max_locks_per_transaction",
  "max_pred_locks_per_transaction",
  "track_activity_query_size",
  "wal_buffers",
  "max_files_per_process",
  "huge_pages",
  "cron.database_name",
  "cron.max_running_jobs",
];

/** A server parameter name as Azure spells them: lower-case words, dot-separated for extensions (auto_explain.*). */
const parameterNamePattern = /^[a-z][a-z0-9_]{0,62}(\.[a-z][a-z0-9_]{0,62})?$/;

export type ParsedServerParameters = { ok: true; value: Record<string, string> } | { ok: false; problems: Problem[] };

/** The raw setting (JSON object, as Pulumi stores it) -> parameter name -> value, sorted by name. */
export function parseServerParameters(raw: string | undefined): ParsedServerParameters {
  if (raw === undefined || raw.trim() === "") return { ok: true, value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      problems: [
        {
          setting: serverParametersSetting,
          message:
            "is not a map of parameter names to values. Set each with " +
            "`pulumi config set --path serverParameters.maintenance_work_mem 2097151`, or write a YAML map in the stack file.",
        },
      ],
    };
  }
  const problems: Problem[] = [];
  const value: Record<string, string> = {};
  for (const [name, item] of Object.entries(parsed as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    const setting = `${serverParametersSetting}.${name}`;
    if (!parameterNamePattern.test(name)) {
      problems.push({
        setting,
        message: `${quote(name)} is not a server parameter name (lower-case letters, digits and _, e.g. maintenance_work_mem or auto_explain.log_min_duration).`,
      });
      continue;
    }
    const managed = managedParameters[name];
    if (managed) {
      problems.push({ setting, message: `is managed by the stack: ${managed}. Remove it from serverParameters.` });
      continue;
    }
    if (typeof item !== "string" && typeof item !== "number" && typeof item !== "boolean") {
      problems.push({ setting, message: "must be a single value (a string, number or boolean), as Azure stores it." });
      continue;
    }
    const text = String(item).trim();
    if (text === "") {
      problems.push({
        setting,
        message: "is empty; give the value, or remove the parameter to leave Azure's default.",
      });
      continue;
    }
    value[name] = text;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

/** The configured parameters that take effect only after a restart. */
export function parametersPendingRestart(parameters: Readonly<Record<string, string>>): string[] {
  return Object.keys(parameters).filter((name) => parametersNeedingRestart.includes(name));
}
