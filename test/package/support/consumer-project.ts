// A Pulumi project outside the repository that installs the packed packages as another program would: `npm pack`
// both packages (their prepack builds them), then `npm install` the tarballs. Their registry dependencies are
// hard-linked from the repository's node_modules first (the versions the repository tests with), so the install
// takes seconds; only what the packed manifests declare is linked, and nothing of the repository is
// reachable from the project's directory, so an undeclared dependency or a file missing from `files` fails here.
import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, normalize, relative, sep } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../support";

const run = promisify(execFile);

/** The packages this repository publishes, by folder. */
export const publishedPackages = {
  engine: join(repoRoot, "packages/migrate"),
  components: join(repoRoot, "packages/pulumi-pgvector"),
} as const;

export interface Manifest {
  name: string;
  version: string;
  main?: string;
  types?: string;
  bin?: Record<string, string>;
  files?: string[];
  exports?: unknown;
  license?: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export function readManifest(directory: string): Manifest {
  return JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as Manifest;
}

export interface PackedPackage {
  tarball: string;
  /** The package.json inside the tarball. */
  manifest: Manifest;
  /** Paths inside the tarball, below `package/`. */
  files: string[];
}

/** `npm pack` as a publisher runs it: the package's prepack script builds it first. */
export async function packPackage(directory: string, destination: string): Promise<PackedPackage> {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", destination], {
    cwd: directory,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 300_000,
  });
  const [report] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  if (!report) throw new Error(`npm pack in ${directory} reported nothing`);
  const tarball = join(destination, report.filename);
  const { stdout: manifest } = await run("tar", ["-xOzf", tarball, "package/package.json"]);
  return { tarball, manifest: JSON.parse(manifest) as Manifest, files: report.files.map((file) => file.path) };
}

/** Where Node would find `name` from `directory` (the package's real directory), or undefined. */
function resolvePackage(directory: string, name: string): string | undefined {
  for (let current = directory; ; current = dirname(current)) {
    const candidate = join(current, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(current) === current) return undefined;
  }
}

/**
 * The top-level folders of the repository's node_modules (`zod`, `@pulumi/pulumi`) holding `names` and everything
 * they depend on, transitively.
 */
function dependencyClosure(names: readonly string[]): string[] {
  const modules = join(repoRoot, "node_modules");
  const seen = new Set<string>();
  const pending = names.map((name) => {
    const found = resolvePackage(repoRoot, name);
    if (!found) throw new Error(`${name} is not installed in the repository: run npm ci`);
    return found;
  });
  for (let directory = pending.pop(); directory !== undefined; directory = pending.pop()) {
    if (seen.has(directory)) continue;
    seen.add(directory);
    const manifest = readManifest(directory);
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      const found = resolvePackage(directory, name);
      if (found) pending.push(found); // an optional dependency for another platform is absent
    }
    for (const name of Object.keys(manifest.peerDependencies ?? {})) {
      const found = resolvePackage(directory, name);
      if (found) pending.push(found);
    }
  }
  const topLevel = new Set<string>();
  for (const directory of seen) {
    const path = relative(modules, directory);
    if (path.startsWith("..")) throw new Error(`${directory} is outside node_modules (a workspace?)`);
    const parts = path.split(sep);
    topLevel.add(parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] as string));
  }
  return [...topLevel].sort();
}

/**
 * `source` recreated at `target` with hard links: fast, and the repository's files are never written. Copies
 * where the temporary directory is on another file system (EXDEV), which is slower but the same.
 */
function hardLinkTree(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) hardLinkTree(from, to);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else linkOrCopy(from, to);
  }
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    copyFileSync(from, to);
  }
}

function linkPackages(names: readonly string[], projectDir: string): void {
  for (const name of names) hardLinkTree(join(repoRoot, "node_modules", name), join(projectDir, "node_modules", name));
}

export interface ConsumerProject {
  /** The project directory (Pulumi.yaml, package.json, node_modules), under the OS temporary directory. */
  dir: string;
  engine: PackedPackage;
  components: PackedPackage;
  /** node_modules/<name> of the project, as Node resolves it from there. */
  installed(name: string): string;
  cleanup(): void;
}

export interface ConsumerProjectFiles {
  /** package.json fields besides the two tarballs (e.g. devDependencies). */
  manifest: Record<string, unknown>;
  /** Relative path -> content. */
  files: Readonly<Record<string, string>>;
  /** Registry packages to hard-link besides the tarballs' dependencies (the project's own). */
  alsoLink?: readonly string[];
}

export async function createConsumerProject(project: ConsumerProjectFiles): Promise<ConsumerProject> {
  const root = mkdtempSync(join(tmpdir(), "pgvector-consumer-"));
  const dir = join(root, "project");
  const tarballs = join(root, "tarballs");
  mkdirSync(tarballs, { recursive: true });
  try {
    const engine = await packPackage(publishedPackages.engine, tarballs);
    const components = await packPackage(publishedPackages.components, tarballs);
    for (const [path, content] of Object.entries(project.files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    const manifest = {
      ...project.manifest,
      dependencies: {
        ...(project.manifest.dependencies as Record<string, string> | undefined),
        [engine.manifest.name]: `file:${engine.tarball}`,
        [components.manifest.name]: `file:${components.tarball}`,
      },
    };
    writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    const published = new Set([engine.manifest.name, components.manifest.name]);
    const registryDependencies = [engine.manifest, components.manifest]
      .flatMap((packed) => Object.keys({ ...packed.dependencies, ...packed.peerDependencies }))
      .filter((name) => !published.has(name));
    linkPackages(dependencyClosure([...registryDependencies, ...(project.alsoLink ?? [])]), dir);
    // Every registry package is in place, so npm unpacks the two tarballs and checks the tree. Not --offline: to
    // check it, npm reads the registry's metadata of the packages (the packuments), which `npm ci` does not cache,
    // so on a fresh machine an offline install fails (ERESOLVE, "Found: @pulumi/pulumi@undefined").
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
      cwd: dir,
      timeout: 300_000,
    });
    return {
      dir,
      engine,
      components,
      installed: (name) => realpathSync(join(dir, "node_modules", name)),
      cleanup: () => rmSync(root, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

function hasOwnTypes(directory: string | undefined): boolean {
  if (directory === undefined) return false;
  const manifest = readManifest(directory) as Manifest & { typings?: string };
  // As TypeScript looks: `types`, else the declarations next to `main`, else index.d.ts.
  const nextToMain = (manifest.main ?? "index.js").replace(/\.js$/, "");
  return Boolean(manifest.types ?? manifest.typings) || existsSync(join(directory, `${nextToMain}.d.ts`));
}

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
function packageNameOf(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

/**
 * What the package's declaration files import that a program installing it would not find: a relative file left
 * out of the tarball, or a package that is neither a dependency nor a peer (nor its `@types/`). The consumer's
 * compiler skips checking declaration files (skipLibCheck, as it must with @pulumi/azure-native's), so this is where
 * a missing one is caught.
 */
export function unresolvableDeclarationImports(packed: PackedPackage, installedDir: string): string[] {
  const shipped = new Set(packed.files.map((file) => normalize(file)));
  const declared = new Set(Object.keys({ ...packed.manifest.dependencies, ...packed.manifest.peerDependencies }));
  const builtins = new Set(builtinModules);
  const problems: string[] = [];
  for (const file of packed.files.filter((path) => path.endsWith(".d.ts"))) {
    const text = readFileSync(join(installedDir, file), "utf8");
    for (const [, specifier] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)"([^"]+)"/g)) {
      if (specifier === undefined) continue;
      if (specifier.startsWith(".")) {
        const base = normalize(join(dirname(file), specifier)).replace(/\.js$/, "");
        if (![`${base}.d.ts`, join(base, "index.d.ts")].some((candidate) => shipped.has(candidate))) {
          problems.push(`${file}: "${specifier}" is not in the tarball`);
        }
        continue;
      }
      const name = packageNameOf(specifier.replace(/^node:/, ""));
      if (specifier.startsWith("node:") || builtins.has(name)) continue;
      const typesName = name.startsWith("@") ? `@types/${name.slice(1).replace("/", "__")}` : `@types/${name}`;
      if (declared.has(typesName)) continue;
      if (!declared.has(name)) {
        problems.push(`${file}: "${specifier}" is not a dependency of ${packed.manifest.name}`);
      } else if (!hasOwnTypes(resolvePackage(installedDir, name))) {
        problems.push(`${file}: "${specifier}" has no declarations of its own, and ${typesName} is not a dependency`);
      }
    }
  }
  return problems;
}
