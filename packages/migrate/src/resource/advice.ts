// Advice in the resource's errors names what its user sets (the stack settings, or the resource's options), not
// the CLI's flags that the engine's own messages name.
import type { MigrationOptionName } from "../options/migration-options";
import type { MigrationsInputs } from "./inputs";

/** How the user sets an option: the stack setting when the caller named one, else the resource's option. */
export function optionReference(option: MigrationOptionName, props: Pick<MigrationsInputs, "settingNames">): string {
  const setting = props.settingNames?.[option];
  return setting === undefined ? `the Migrations option ${option}` : `the stack setting ${setting}`;
}

function configCommand(option: MigrationOptionName, props: Pick<MigrationsInputs, "settingNames">, value: string) {
  const setting = props.settingNames?.[option];
  return setting === undefined ? "" : ` (\`pulumi config set ${setting} ${value}\`)`;
}

/** The engine's error, with the populated-database refusal's advice in the resource's terms. */
export function adviceFor(error: unknown, props: Pick<MigrationsInputs, "settingNames" | "directory">): unknown {
  const populated = (error as { details?: { populated?: unknown } }).details?.populated;
  if (typeof populated !== "string") return error;
  return new Error(
    `${populated} If these tables come from the migrations in ${props.directory}, set ${optionReference("baseline", props)} ` +
      `to the version of the newest migration already in the database${configCommand("baseline", props, "<version>")}: ` +
      "the next `pulumi up` records it and every older one as applied without running them, and runs the newer ones. " +
      `To run every migration anyway, set ${optionReference("allowPopulated", props)} to true${configCommand("allowPopulated", props, "true")}.`,
  );
}
