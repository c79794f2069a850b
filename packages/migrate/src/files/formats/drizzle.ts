// drizzle-kit folders, read as drizzle-orm's migrator reads them (drizzle-orm/src/migrator.ts, readMigrationFiles):
// the order and the tags come from meta/_journal.json `entries`, each entry's SQL is `<tag>.sql`, statements are
// separated by "--> statement-breakpoint" lines (SQL comments, so the file also runs as one script), and the
// applied state is keyed by the entry's `when` (drizzle stores it as `created_at` and applies every entry whose
// `when` is newer than the last applied one). drizzle-orm runs all pending migrations in one transaction; this
// engine runs and records each migration in its own transaction, so a failure keeps the migrations before it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { MigrationFile } from "../../types";
import { displayPathOf, type FormatSource, readText, sqlFileOf, transactional } from "./source";

export const drizzleJournal = "meta/_journal.json";

interface JournalEntry {
  idx?: unknown;
  when?: unknown;
  tag?: unknown;
}

export function hasDrizzleJournal(root: string): boolean {
  return existsSync(join(root, drizzleJournal));
}

export function readDrizzle(source: FormatSource): MigrationFile[] {
  const journalPath = displayPathOf(source, drizzleJournal);
  const text = readText(source, drizzleJournal);
  if (source.problems.length > 0) return [];
  let entries: JournalEntry[];
  try {
    const journal = JSON.parse(text) as { dialect?: unknown; entries?: unknown };
    if (!Array.isArray(journal.entries)) throw new Error("it has no `entries` list");
    if (journal.dialect !== undefined && journal.dialect !== "postgresql") {
      source.problems.push(
        `${journalPath}: the journal is for dialect "${String(journal.dialect)}"; this tool applies PostgreSQL migrations only`,
      );
      return [];
    }
    entries = journal.entries as JournalEntry[];
  } catch (error) {
    source.problems.push(
      `${journalPath}: cannot read the drizzle-kit journal (${(error as Error).message}); regenerate it with drizzle-kit generate`,
    );
    return [];
  }

  const migrations: MigrationFile[] = [];
  const listed = new Set<string>();
  let previousWhen = 0;
  entries.forEach((entry, index) => {
    const { tag, when } = entry;
    if (typeof tag !== "string" || !/^[\w-]+$/.test(tag) || typeof when !== "number" || !Number.isSafeInteger(when)) {
      source.problems.push(
        `${journalPath}: entry ${index} needs a string "tag" and a whole-number "when"; regenerate the journal with drizzle-kit`,
      );
      return;
    }
    if (when <= previousWhen) {
      source.problems.push(
        `${journalPath}: entry ${index} (${tag}) has "when" ${when}, not later than the entry before it; drizzle-orm would skip it once a later one is applied: fix the journal`,
      );
      return;
    }
    previousWhen = when;
    const relative = `${tag}.sql`;
    listed.add(relative);
    if (!source.files.includes(relative)) {
      source.problems.push(`${journalPath}: entry ${index} names ${relative}, which is missing: restore the file`);
      return;
    }
    const content = readText(source, relative);
    const match = /^(\d+)_(.*)$/.exec(tag);
    migrations.push({
      version: when,
      versionText: match?.[1] ?? String(index).padStart(4, "0"),
      name: match?.[2] ?? tag,
      id: tag,
      up: sqlFileOf(source, relative, content, transactional),
    });
  });
  for (const file of source.files) {
    if (file.endsWith(".sql") && !listed.has(file)) {
      source.problems.push(
        `${displayPathOf(source, file)}: not in ${drizzleJournal}, so drizzle-kit would never apply it: add it with drizzle-kit generate (--custom for hand-written SQL), or delete it`,
      );
    }
  }
  return migrations;
}
