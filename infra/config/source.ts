import * as pulumi from "@pulumi/pulumi";

/**
 * The raw stack configuration, as strings, the way `pulumi config set` stored it (arrays and objects as JSON).
 * Keys without a namespace belong to the project (`skuName` is `pgvector-stack:skuName`); other namespaces are
 * written out (`azure-native:location`).
 */
export interface ConfigSource {
  readonly project: string;
  readonly stack: string;
  get(key: string): string | undefined;
  /** True when the value was set with `pulumi config set --secret`. */
  isSecret(key: string): boolean;
  /** Keys of the project namespace that have a value, without the namespace. */
  projectKeys(): string[];
}

/** `skuName` -> `pgvector-stack:skuName`; keys that already have a namespace are returned as they are. */
export function qualifiedKey(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

// isConfigSecret is exported by the SDK's runtime but left out of its type declarations.
const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };

/** The configuration the Pulumi engine passed to this program (or that a test set with setAllConfig). */
export function pulumiConfigSource(): ConfigSource {
  const project = pulumi.getProject();
  const values = pulumi.runtime.allConfig();
  const prefix = `${project}:`;
  return {
    project,
    stack: pulumi.getStack(),
    get: (key) => values[qualifiedKey(project, key)],
    isSecret: (key) => runtime.isConfigSecret?.(qualifiedKey(project, key)) ?? false,
    projectKeys: () =>
      Object.keys(values)
        .filter((key) => key.startsWith(prefix))
        .map((key) => key.slice(prefix.length)),
  };
}

/** A source over plain values, for programs and tests that do not run under the Pulumi engine. */
export function staticConfigSource(
  project: string,
  stack: string,
  values: Record<string, string>,
  secretKeys: readonly string[] = [],
): ConfigSource {
  const qualified = new Map(Object.entries(values).map(([key, value]) => [qualifiedKey(project, key), value]));
  const secrets = new Set(secretKeys.map((key) => qualifiedKey(project, key)));
  const prefix = `${project}:`;
  return {
    project,
    stack,
    get: (key) => qualified.get(qualifiedKey(project, key)),
    isSecret: (key) => secrets.has(qualifiedKey(project, key)),
    projectKeys: () =>
      [...qualified.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)),
  };
}
