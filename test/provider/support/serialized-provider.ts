// The provider as Pulumi stores it in `__provider`: pulumi.runtime.serializeFunction(() => provider), exactly as
// @pulumi/pulumi/dynamic does in serializeProvider().
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import ts from "typescript";
import { repoRoot } from "../../support";

export async function serializeAsTheSdkDoes(
  provider: pulumi.dynamic.ResourceProvider,
): Promise<{ text: string; containsSecrets: boolean }> {
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return { text: serialized.text, containsSecrets: serialized.containsSecrets };
}

/**
 * A dynamic provider's file (default infra/migrations/provider.ts) compiled to CommonJS as `pulumi up` runs it
 * (ts-node / tsc), loaded with Node's own require instead of vitest's module runner.
 */
export function loadCompiledProvider(
  outDir: string,
  sourceFile = "infra/migrations/provider.ts",
  exportName = "migrationsProvider",
): pulumi.dynamic.ResourceProvider {
  const source = readFileSync(join(repoRoot, sourceFile), "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: "provider.ts",
  });
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, "provider.js");
  writeFileSync(file, outputText);
  return createRequire(file)(file)[exportName];
}
