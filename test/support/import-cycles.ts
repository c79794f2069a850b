// The import graph of a folder of TypeScript files, as the compiler reads it: every `import`, `import type`,
// `export ... from` and `import()` of a relative path counts, since a type-only cycle still ties the modules.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** Every .ts file under `root`, as absolute paths. */
function typeScriptFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .map((file) => path.join(root, file));
}

/** The file a relative specifier names, the way node16 resolution finds TypeScript sources. */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, ".ts"), `${base}.ts`, path.join(base, "index.ts")];
  return candidates.find(
    (candidate) => candidate.endsWith(".ts") && existsSync(candidate) && statSync(candidate).isFile(),
  );
}

/** File -> the files of the same folder tree it imports. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of typeScriptFiles(root)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith("."))
      .flatMap((specifier) => resolveRelative(file, specifier) ?? [])
      .filter((target) => target.startsWith(root + path.sep));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/**
 * Import cycles of the files under `root`, each as the files around it relative to `root`
 * (`["a.ts", "b.ts", "a.ts"]`): every cycle a depth-first walk closes, so any tangle shows at least once.
 */
export function importCycles(root: string): string[][] {
  const graph = importGraph(root);
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === "open") {
        cycles.push([...stack.slice(stack.indexOf(target)), target].map((member) => path.relative(root, member)));
      } else if (!state.has(target)) {
        visit(target);
      }
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}
