// The provider's diff: runs during preview, compares values only, never connects.
import { type MigrationOptionName, migrationOptions } from "../options/migration-options";
import type { MigrationsInputs, MigrationsOutputs } from "./inputs";
import { canonical, connectionTarget } from "./values";

export interface DiffResult {
  changes: boolean;
  replaces: string[];
}

// Every option but `lint` (and `lintWarnings`, which is no option): they only concern the check of new migrations;
// a change in them alone changes nothing in the database, so it must not make an update.
const comparedKeys = [
  "connection",
  ...(Object.keys(migrationOptions) as MigrationOptionName[]).filter((key) => key !== "lint"),
] as const;

export function diffInputs(olds: MigrationsOutputs, news: MigrationsInputs): DiffResult {
  // A replacement deletes the old resource after creating the new one. With onDelete "down" that delete
  // would revert every migration on the old target, which may be the very same database under another
  // host name (a DNS alias), so such a resource is updated in place and the old target is left as it is.
  const revertsOnDelete = olds.onDelete === "down" || news.onDelete === "down";
  const replaces = !revertsOnDelete && targetChanged(olds.connection, news.connection) ? ["connection"] : [];
  const migrationsChanged =
    canonical(olds.migrations) !== canonical(news.migrations) || canonical(olds.applied) !== canonical(news.migrations);
  const optionsChanged = comparedKeys.some((key) => canonical(olds[key]) !== canonical(news[key]));
  return { changes: replaces.length > 0 || migrationsChanged || optionsChanged, replaces };
}

/** Only a known, different host or database means another database: values unknown at preview never force it. */
function targetChanged(olds: unknown, news: unknown): boolean {
  const before = connectionTarget(olds);
  const after = connectionTarget(news);
  const differs = (a?: string, b?: string) => a !== undefined && b !== undefined && a !== b;
  return differs(before.host, after.host) || differs(before.database, after.database);
}
