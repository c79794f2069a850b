import {
  baselineProblem,
  type MigrationOptions,
  migrationOptions,
  migrationsFolderProblem,
  similarNames,
} from "pgvector-migrate";
import { programProjectDirectory } from "../migrations/project-directory";
import {
  type AppRoleAccess,
  type CommonSettings,
  commonSettings,
  commonSettingsDocs,
  migrationSettingOptions,
} from "./common";
import { stackExtensions } from "./extensions";
import { appRoleNameFor } from "./naming";
import type { PlatformName } from "./platform-names";
import type { PlatformSection, PlatformSections } from "./platform-section";
import { ConfigError, type Problem, problemsFromZod } from "./problems";
import { settingsSchema } from "./setting";
import type { ConfigSource } from "./source";

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

/** A platform and its validated settings; the platform registry narrows it to each platform's settings type. */
export interface PlatformChoice {
  name: PlatformName;
  settings: unknown;
}

/** The validated configuration of one stack: everything the program needs, and nothing it must check again. */
export interface StackConfig<Platform extends PlatformChoice = PlatformChoice> {
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
  platform: Platform;
}

/**
 * Reads and validates the stack configuration once, before any resource exists, with the sections of the
 * platform registry (infra/platforms/registry.ts). Throws a ConfigError that lists every problem (setting, value,
 * accepted values); secrets are never quoted.
 */
export function readStackConfig(platforms: PlatformSections, source: ConfigSource): StackConfig {
  const problems: Problem[] = unknownSettingProblems(source, platforms);
  const common = parseCommonSettings(source, problems);
  if (common === undefined) throw configError(source, problems, platforms, [], undefined);
  const name = common.platform;
  const section = platforms[name].section;
  problems.push(...migrationsDirectoryProblems(common));
  problems.push(...plainTextSecretProblems(source, section));
  const parsed = section.parse(source, common);
  if (!parsed.ok) problems.push(...parsed.problems);
  if (problems.length > 0 || !parsed.ok) {
    // A rule of the platform on a common setting (Neon's versions of postgresVersion) is documented with the platform.
    throw configError(source, problems, platforms, parsed.ok ? [] : parsed.problems, section);
  }
  return stackConfig(source, common, { name, settings: parsed.value });
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

function stackConfig(source: ConfigSource, common: CommonSettings, platform: PlatformChoice): StackConfig {
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

function configError(
  source: ConfigSource,
  problems: readonly Problem[],
  platforms: PlatformSections,
  platformProblems: readonly Problem[],
  section: PlatformSection<unknown> | undefined,
): ConfigError {
  const docs = docsPages(problems, platforms, (problem) =>
    section !== undefined && platformProblems.includes(problem) ? section.docs : undefined,
  );
  return new ConfigError(source.project, source.stack, problems, docs);
}

function sectionsOf(platforms: PlatformSections): PlatformSection<unknown>[] {
  return Object.values(platforms).map((platform) => platform.section);
}

/** The docs pages that document the settings at fault, in the order of the problems (`pageOf` first). */
function docsPages(
  problems: readonly Problem[],
  platforms: PlatformSections,
  pageOf: (problem: Problem) => string | undefined,
): string[] {
  const sections = sectionsOf(platforms);
  const topicOf = (setting: string) => {
    const key = setting.split(/[.[]/)[0] ?? setting;
    const section = sections.find((candidate) => sectionKeys(candidate).includes(key));
    return section?.docs ?? commonSettingsDocs;
  };
  return [...new Set(problems.map((problem) => pageOf(problem) ?? topicOf(problem.setting)))];
}

function sectionKeys(section: PlatformSection<unknown>): string[] {
  return [...Object.keys(section.settings), ...section.otherKeys, ...section.secretKeys];
}

/** Every key the project namespace may hold, across all platforms (a stack may switch platform). */
function knownKeys(platforms: PlatformSections): Set<string> {
  const sections = sectionsOf(platforms);
  return new Set([
    ...Object.keys(commonSettings),
    ...sections.flatMap((section) => [...Object.keys(section.settings), ...section.otherKeys]),
  ]);
}

/** A misspelt key would otherwise be ignored silently and its default used. */
function unknownSettingProblems(source: ConfigSource, platforms: PlatformSections): Problem[] {
  const known = knownKeys(platforms);
  return source
    .projectKeys()
    .filter((key) => !known.has(key))
    .sort()
    .map((key) => {
      // The CLI's "did you mean" rule (commander's), so a stack setting and a flag are suggested alike.
      const [suggestion] = similarNames(key, [...known]);
      return {
        setting: key,
        message: `is not a setting of this project${suggestion ? `; did you mean ${suggestion}?` : "."} Remove it with \`pulumi config rm ${key}\`.`,
      };
    });
}

/**
 * The Migrations resource reads the folder while the program registers resources: a wrong one, or a baseline that
 * names none of its migrations, must stop it first.
 */
function migrationsDirectoryProblems(common: CommonSettings): Problem[] {
  const projectDir = programProjectDirectory();
  const message = migrationsFolderProblem(common.migrationsDirectory, projectDir);
  if (message !== undefined) return [{ setting: "migrationsDirectory", message }];
  const baseline = baselineProblem(
    { directory: common.migrationsDirectory, format: common.migrationsFormat, baseline: common.migrationsBaseline },
    projectDir,
  );
  return baseline === undefined ? [] : [{ setting: "migrationsBaseline", message: baseline }];
}

function plainTextSecretProblems(source: ConfigSource, section: PlatformSection<unknown>): Problem[] {
  return section.secretKeys
    .filter((key) => source.get(key) !== undefined && !source.isSecret(key))
    .map((key) => ({
      setting: key,
      message: `holds a secret but is stored in plain text in Pulumi.${source.stack}.yaml. Set it again encrypted: \`pulumi config set --secret ${key} <value>\`.`,
    }));
}
