import { type MigrationOptions, migrationOptions, migrationsFolderProblem } from "pgvector-migrate";
import { programProjectDirectory } from "../migrations/resource";
import {
  type AppRoleAccess,
  type CommonSettings,
  commonSettings,
  commonSettingsDocs,
  migrationSettingOptions,
} from "./common";
import { stackExtensions } from "./extensions";
import { appRoleNameFor } from "./naming";
import { ConfigError, type Problem, problemsFromZod } from "./problems";
import { type PlatformSection, type PlatformSettings, platformSections } from "./sections";
import { settingsSchema } from "./setting";
import { type ConfigSource, pulumiConfigSource } from "./source";

/** The migration options a stack chooses (pgvector-migrate's); its platform and extensions imply the others. */
export type StackMigrationOptions = Pick<
  MigrationOptions,
  (typeof migrationSettingOptions)[keyof typeof migrationSettingOptions]
>;

type MigrationSetting = keyof typeof migrationSettingOptions;

export interface AppRoleSettings {
  name: string;
  access: AppRoleAccess;
  schemas: readonly string[];
}

/** The validated configuration of one stack: everything the program needs, and nothing it must check again. */
export interface StackConfig {
  project: string;
  stack: string;
  ephemeral: boolean;
  /** Always false on ephemeral stacks. */
  protect: boolean;
  postgresVersion: number;
  databaseName: string;
  /** `vector` and the configured extensions: lower-case, de-duplicated, sorted. */
  extensions: readonly string[];
  migrations: StackMigrationOptions;
  appRole: AppRoleSettings;
  connectTimeoutSeconds: number;
  platform: PlatformSettings;
}

/**
 * Reads and validates the stack configuration once, before any resource exists. Throws a ConfigError that
 * lists every problem (setting, value, accepted values); secrets are never quoted.
 */
export function loadStackConfig(source: ConfigSource = pulumiConfigSource()): StackConfig {
  const problems: Problem[] = unknownSettingProblems(source);
  const common = parseCommonSettings(source, problems);
  if (common === undefined) throw configError(source, problems);
  const name = common.platform;
  const section: PlatformSection<unknown> = platformSections[name];
  problems.push(...migrationsDirectoryProblems(common.migrationsDirectory));
  problems.push(...plainTextSecretProblems(source, section));
  const parsed = section.parse(source, common);
  if (!parsed.ok) problems.push(...parsed.problems);
  if (problems.length > 0 || !parsed.ok) throw configError(source, problems);
  return stackConfig(source, common, { name, settings: parsed.value } as PlatformSettings);
}

/**
 * The common settings. Problems are added to `problems`; the invalid settings are then replaced by their
 * defaults so that the platform's settings can still be checked and every problem reported in one run.
 * Undefined when even the platform is unknown.
 */
function parseCommonSettings(source: ConfigSource, problems: Problem[]): CommonSettings | undefined {
  const schema = settingsSchema(commonSettings);
  const raw = Object.fromEntries(Object.keys(commonSettings).map((key) => [key, source.get(key)]));
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  problems.push(...problemsFromZod(parsed.error));
  const invalid = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
  if (invalid.has("platform")) return undefined;
  const withDefaults = schema.safeParse(Object.fromEntries(Object.entries(raw).filter(([key]) => !invalid.has(key))));
  return withDefaults.success ? withDefaults.data : undefined;
}

function stackConfig(source: ConfigSource, common: CommonSettings, platform: PlatformSettings): StackConfig {
  return {
    project: source.project,
    stack: source.stack,
    ephemeral: common.ephemeral,
    protect: common.protect && !common.ephemeral,
    postgresVersion: common.postgresVersion,
    databaseName: common.databaseName,
    extensions: stackExtensions(common.extensions),
    migrations: Object.fromEntries(
      Object.entries(migrationSettingOptions).flatMap(([setting, option]) => {
        const value = common[setting as MigrationSetting];
        // An empty list stands for an option without a default (searchPath): left out.
        return Array.isArray(value) && value.length === 0 && migrationOptions[option].default === undefined
          ? []
          : [[option, value]];
      }),
    ) as StackMigrationOptions,
    appRole: {
      // Only an ephemeral Azure stack gets a server of its own; elsewhere it shares the roles of its parent's
      // server (existing) or holds copies of them (a Neon branch), so its app role needs a name of its own.
      name: appRoleNameFor(
        common.appRoleName,
        common.databaseName,
        source.stack,
        common.ephemeral && platform.name !== "azure",
      ),
      access: common.appRoleAccess,
      schemas: [...new Set(common.appSchemas)],
    },
    connectTimeoutSeconds: common.connectTimeoutSeconds,
    platform,
  };
}

function configError(source: ConfigSource, problems: readonly Problem[]): ConfigError {
  return new ConfigError(source.project, source.stack, problems, docsPages(problems));
}

/** The docs pages that document the settings at fault, in the order of the problems. */
function docsPages(problems: readonly Problem[]): string[] {
  const sections: PlatformSection<unknown>[] = Object.values(platformSections);
  const topicOf = (setting: string) => {
    const key = setting.split(/[.[]/)[0] ?? setting;
    const section = sections.find((candidate) => sectionKeys(candidate).includes(key));
    return section?.docs ?? commonSettingsDocs;
  };
  return [...new Set(problems.map((problem) => topicOf(problem.setting)))];
}

function sectionKeys(section: PlatformSection<unknown>): string[] {
  return [...Object.keys(section.settings), ...section.otherKeys, ...section.secretKeys];
}

/** Every key the project namespace may hold, across all platforms (a stack may switch platform). */
function knownKeys(): Set<string> {
  const sections: PlatformSection<unknown>[] = Object.values(platformSections);
  return new Set([
    ...Object.keys(commonSettings),
    ...sections.flatMap((section) => [...Object.keys(section.settings), ...section.otherKeys]),
  ]);
}

/** A misspelt key would otherwise be ignored silently and its default used. */
function unknownSettingProblems(source: ConfigSource): Problem[] {
  const known = knownKeys();
  return source
    .projectKeys()
    .filter((key) => !known.has(key))
    .sort()
    .map((key) => {
      const suggestion = closest(key, [...known]);
      return {
        setting: key,
        message: `is not a setting of this project${suggestion ? `; did you mean ${suggestion}?` : "."} Remove it with \`pulumi config rm ${key}\`.`,
      };
    });
}

/** The Migrations resource reads the folder while the program registers resources: a wrong one must stop it first. */
function migrationsDirectoryProblems(directory: string): Problem[] {
  const message = migrationsFolderProblem(directory, programProjectDirectory());
  return message === undefined ? [] : [{ setting: "migrationsDirectory", message }];
}

function plainTextSecretProblems(source: ConfigSource, section: PlatformSection<unknown>): Problem[] {
  return section.secretKeys
    .filter((key) => source.get(key) !== undefined && !source.isSecret(key))
    .map((key) => ({
      setting: key,
      message: `holds a secret but is stored in plain text in Pulumi.${source.stack}.yaml. Set it again encrypted: \`pulumi config set --secret ${key} <value>\`.`,
    }));
}

function closest(key: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 3 && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
