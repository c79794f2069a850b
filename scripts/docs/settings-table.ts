import type { SettingDoc } from "../../infra/config/platform-section";
import type { Setting } from "../../infra/config/setting";

/** Text as a table cell: `|` escaped, and outside code spans `<` (not HTML) and `*` (not emphasis) too. */
function cell(text: string): string {
  return text
    .split("`")
    .map((part, index) => (index % 2 === 0 ? part.replaceAll("<", "&lt;").replaceAll("*", "\\*") : part))
    .join("`")
    .replaceAll("|", "\\|")
    .replaceAll("\n", " ");
}
const code = (value: string | number | boolean): string => `\`${value}\``;

/** A default as a table cell: its words when the value alone does not say it, else the value. */
export function defaultCell(setting: Setting<unknown>): string {
  if (setting.defaultText !== undefined) return setting.defaultText;
  const value = setting.default;
  if (typeof value === "object") return value.length === 0 ? "none" : value.map(code).join(", ");
  return value === "" ? "unset" : code(value);
}

/** The settings table of docs/: setting, type, default, accepted values and what it does, in definition order. */
export function settingsTable(settings: Readonly<Record<string, Setting<unknown>>>): string {
  const rows = Object.entries(settings).map(([key, setting]) =>
    [
      code(key),
      setting.type === "array" ? "list" : setting.type,
      defaultCell(setting),
      setting.accepted ?? "",
      setting.description,
    ]
      .map(cell)
      .join(" | "),
  );
  return [
    "| Setting | Type | Default | Accepted | What it does |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((row) => `| ${row} |`),
  ].join("\n");
}

/** The table of a platform's settings that Pulumi.yaml cannot declare: the rows its section documents. */
export function settingDocsTable(docs: readonly (SettingDoc & { default: string })[]): string {
  const rows = docs.map((doc) =>
    [`${doc.settings.map(code).join(", ")}${doc.secret ? " (secret)" : ""}`, doc.default, doc.description]
      .map((text) => text.replaceAll("|", "\\|").replaceAll("\n", " "))
      .join(" | "),
  );
  return ["| Setting | Default | |", "| --- | --- | --- |", ...rows.map((row) => `| ${row} |`)].join("\n");
}
