// The ledger of each foreign format's tool: what `import` reads, and (drizzle-kit, Supabase CLI) what `up` and
// `down` keep up to date with keepToolLedger.
import { displayDirectory } from "../engine/compute-plan";
import { MigrateError } from "../errors";
import type { MigrationFormat, MigrationSet } from "../types";
import { dbmateLedger } from "./dbmate";
import { drizzleLedger } from "./drizzle";
import { flywayLedger } from "./flyway";
import { golangMigrateLedger } from "./golang-migrate";
import type { ToolLedger, WritableLedger } from "./ledger";
import { prismaLedger } from "./prisma";
import { supabaseLedger } from "./supabase";

export const toolLedgers: Readonly<Record<Exclude<MigrationFormat, "native">, ToolLedger>> = {
  drizzle: drizzleLedger,
  supabase: supabaseLedger,
  dbmate: dbmateLedger,
  "golang-migrate": golangMigrateLedger,
  flyway: flywayLedger,
  prisma: prismaLedger,
};

export const writableLedgers: Readonly<Partial<Record<MigrationFormat, WritableLedger>>> = {
  drizzle: drizzleLedger,
  supabase: supabaseLedger,
};

/** The ledger of the tool whose folder `set` is; refuses a native folder, which has no other tool. */
export function ledgerOf(set: MigrationSet, command: string): ToolLedger {
  if (set.format !== "native") return toolLedgers[set.format];
  throw new MigrateError(
    "INVALID_OPTIONS",
    `${command} reads the ledger of the tool the folder belongs to, but ${displayDirectory(set)} is read as format native, which has none: choose the folder's tool with format / --format (${Object.keys(toolLedgers).join(", ")}), or record the migrations already in the database with \`pgvector-migrate baseline --to <version>\`.`,
  );
}

/** The ledger keepToolLedger writes to; refuses the formats whose tool this engine does not keep working beside. */
export function writableLedgerOf(set: MigrationSet): WritableLedger {
  const ledger = writableLedgers[set.format];
  if (ledger) return ledger;
  throw new MigrateError(
    "INVALID_OPTIONS",
    `keepToolLedger (--keep-tool-ledger) records each migration in the ledger of drizzle-kit or the Supabase CLI, but ${displayDirectory(set)} is read as format ${set.format}: turn the option off, or use it with a ${Object.keys(writableLedgers).join(" or ")} folder.`,
  );
}
