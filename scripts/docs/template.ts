// The `template:` section of Pulumi.yaml, which `pulumi new <repository URL>` reads: its description, the text
// shown after the project is created, and the config it asks for. Schema: pulumi/pulumi
// sdk/go/common/workspace/project.json, `template` (description, quickstart, config: description, default, secret);
// https://www.pulumi.com/docs/iac/guides/building-extending/creating-templates/.
import type { CommonSettings } from "../../infra/config/common";
import type { Setting } from "../../infra/config/setting";

export interface TemplatePrompt {
  key: string;
  description: string;
  /** The definition's default, as `pulumi new` offers it; none for a value only the user knows. */
  default?: string;
  secret?: boolean;
}

/** The common settings `pulumi new` asks for: where the database runs and what it is called. */
export const promptedCommonSettings = [
  "platform",
  "databaseName",
  "postgresVersion",
] as const satisfies readonly (keyof CommonSettings)[];

/** A flat setting as a prompt, with its definition's default. */
export function settingPrompt(key: string, setting: Setting<unknown>): TemplatePrompt {
  const value = setting.default;
  return {
    key,
    description: setting.description,
    ...(typeof value !== "object" && value !== "" && { default: String(value) }),
  };
}

/** A secret one platform reads: asked for as a secret, and left empty on the others. */
export function secretPrompt(key: string, platform: string, docs: string): TemplatePrompt {
  return { key, description: `Platform ${platform} only, leave it empty otherwise (${docs}).`, secret: true };
}

export const templateDescription =
  "PostgreSQL with pgvector on Azure, Neon, Supabase or a server you run: the server, the vector extension, SQL migrations and an application role, in that order.";

export const templateQuickstart =
  "Run `npm ci`, then `pulumi preview`: every setting is checked before anything is created. The settings are described in docs/settings.md; try it without a cloud account with `npm run local`.";
