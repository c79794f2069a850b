// The provider's diff: runs during preview, compares values only, never connects.
import { type MigrationOptionName, migrationOptions, withMigrationOptionDefaults } from "../options/migration-options";
import type { MigrationsInputs, MigrationsOutputs } from "./inputs";
import { checksumsOf } from "./migration-map";
import { canonical, connectionTarget } from "./values";

export interface DiffResult {
  changes: boolean;
  replaces: string[];
}

// Every option but `lint` (and `lintWarnings`, `pending`, `settingNames`, which are no options): they only concern
// the check of new migrations or messages; a change in them alone changes nothing in the database, so it must not
// make an update. Options a state written by an earlier version lacks count as their defaults. `baseline` is
// compared as the version it resolved to (`baselineVersion`): "2" and "0002" are the same baseline.
const comparedOptions = (Object.keys(migrationOptions) as MigrationOptionName[]).filter(
  (key) => key !== "lint" && key !== "baseline",
);

export function diffInputs(olds: MigrationsOutputs, news: MigrationsInputs): DiffResult {
  // A replacement deletes the old resource after creating the new one. With onDelete "down" that delete
  // would revert every migration on the old target, which may be the very same database under another
  // host name (a DNS alias), so such a resource is updated in place and the old target is left as it is.
  const revertsOnDelete = olds.onDelete === "down" || news.onDelete === "down";
  const replaces = !revertsOnDelete && targetChanged(olds.connection, news.connection) ? ["connection"] : [];
  // By version and checksum only: a renamed file, or rows named otherwise than the files, is no change.
  const files = canonical(checksumsOf(news.migrations));
  const migrationsChanged =
    canonical(checksumsOf(olds.migrations, news.migrations)) !== files ||
    canonical(checksumsOf(olds.applied, news.migrations)) !== files;
  const before = withMigrationOptionDefaults(olds);
  const after = withMigrationOptionDefaults(news);
  const optionsChanged =
    canonical(olds.connection) !== canonical(news.connection) ||
    canonical(olds.baselineVersion) !== canonical(news.baselineVersion) ||
    comparedOptions.some((key) => canonical(before[key]) !== canonical(after[key]));
  return { changes: replaces.length > 0 || migrationsChanged || optionsChanged, replaces };
}

/** Only a known, different host or database means another database: values unknown at preview never force it. */
function targetChanged(olds: unknown, news: unknown): boolean {
  const before = connectionTarget(olds);
  const after = connectionTarget(news);
  const differs = (a?: string, b?: string) => a !== undefined && b !== undefined && a !== b;
  return differs(before.host, after.host) || differs(before.database, after.database);
}
