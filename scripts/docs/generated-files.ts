// Every file `npm run docs` writes, with the content the setting definitions give it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { migrationOptions } from "pgvector-migrate";
import { commonSettings, commonSettingsDocs } from "../../infra/config/common";
import { locationDescription, locationSetting } from "../../infra/platforms/azure/settings";
import { platformRegistry } from "../../infra/platforms/registry";
import { replaceBlock } from "./markdown-blocks";
import { optionsTable } from "./options-table";
import { projectFile, type SettingGroup, type UndeclaredKeys } from "./project-file";
import { settingDocsTable, settingsTable } from "./settings-table";
import {
  promptedCommonSettings,
  secretPrompt,
  settingPrompt,
  type TemplatePrompt,
  templateDescription,
  templateQuickstart,
} from "./template";

export interface GeneratedFile {
  /** Relative to the project directory. */
  file: string;
  content: string;
}

const platforms = Object.entries(platformRegistry).map(([name, platform]) => ({ name, section: platform.section }));

/** The page a `docs/<page>.md#<heading>` reference names. */
const pageOf = (reference: string): string => reference.split("#")[0] ?? reference;

function settingGroups(): SettingGroup[] {
  return [
    { title: `Every platform (${commonSettingsDocs})`, settings: commonSettings },
    ...platforms
      .filter(({ section }) => Object.keys(section.settings).length > 0)
      .map(({ name, section }) => ({ title: `platform: ${name} (${section.docs})`, settings: section.settings })),
  ];
}

function undeclaredKeys(): UndeclaredKeys[] {
  return platforms.map(({ name, section }) => ({
    platform: name,
    keys: [...new Set([...section.otherKeys, ...section.secretKeys])],
    docs: section.docs,
  }));
}

/** What `pulumi new` asks: the main common settings, the Azure region, and every platform's secrets. */
export function templatePrompts(): TemplatePrompt[] {
  return [
    ...promptedCommonSettings.map((key) => settingPrompt(key, commonSettings[key])),
    { key: locationSetting, description: locationDescription },
    ...platforms.flatMap(({ name, section }) => section.secretKeys.map((key) => secretPrompt(key, name, section.docs))),
  ];
}

/** The Markdown pages with a generated table: the resource's options, the common settings, each platform's flat settings. */
function settingsPages(): { page: string; block: string; table: string }[] {
  return [
    { page: "docs/pulumi-resource.md", block: "migration-options", table: optionsTable(migrationOptions) },
    { page: pageOf(commonSettingsDocs), block: "common-settings", table: settingsTable(commonSettings) },
    ...platforms
      .filter(({ section }) => Object.keys(section.settings).length > 0)
      .map(({ name, section }) => ({
        page: pageOf(section.docs),
        block: `${name}-settings`,
        table: settingsTable(section.settings),
      })),
    ...platforms.flatMap(({ name, section }) =>
      section.settingDocs
        ? [{ page: pageOf(section.docs), block: `${name}-settings`, table: settingDocsTable(section.settingDocs) }]
        : [],
    ),
  ];
}

export function generatedFiles(projectDirectory: string): GeneratedFile[] {
  const read = (file: string) => readFileSync(path.join(projectDirectory, file), "utf8");
  const pages = new Map<string, string>();
  for (const { page, block, table } of settingsPages()) {
    pages.set(page, replaceBlock(pages.get(page) ?? read(page), page, block, table));
  }
  return [
    {
      file: "Pulumi.yaml",
      content: projectFile(read("Pulumi.yaml"), {
        groups: settingGroups(),
        undeclared: undeclaredKeys(),
        template: { description: templateDescription, quickstart: templateQuickstart, prompts: templatePrompts() },
      }),
    },
    ...[...pages].map(([file, content]) => ({ file, content })),
  ];
}
