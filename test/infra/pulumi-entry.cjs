// Loads the program the way `pulumi up` does for `main: infra/` with `typescript: true` (see
// @pulumi/pulumi/cmd/run/run.js): working directory infra/, the SDK's ts-node with infra/tsconfig.json and the
// same compiler overrides, then the entry point run.js picks when Pulumi.yaml's `main` is a directory (the engine
// passes "." for it): the nearest package.json's `exports`, else its `main`, else the directory itself.
// Resources are mocked. Prints one JSON line.
// Usage: node pulumi-entry.cjs <project directory> <stack> <config JSON>
const fs = require("node:fs");
const path = require("node:path");

const [projectDirectory, stack, configJson] = process.argv.slice(2);
const program = path.join(projectDirectory, "infra");
process.chdir(program);

const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [projectDirectory] }));
const { tsnodeRequire, typescriptRequire } = require(path.join(sdk, "tsutils.js")).typeScriptRequireStrings();
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  project: "tsconfig.json",
  skipProject: !fs.existsSync("tsconfig.json"),
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true" },
});
const pulumi = require(path.join(sdk, "index.js"));

/** run.js's choice for entry point ".": npmPackageRootFromProgramPath, then `exports["."]` or `main`. */
function entryPoint(programDirectory) {
  let directory = programDirectory;
  while (!fs.existsSync(path.join(directory, "package.json"))) {
    const parent = path.dirname(directory);
    if (parent === directory) return `${programDirectory}/`;
    directory = parent;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(directory, "package.json"), "utf8"));
  const exported = typeof manifest.exports === "object" ? manifest.exports["."] : manifest.exports;
  const main = typeof exported === "object" ? (exported.default ?? exported.require ?? exported.import) : exported;
  const chosen = main ?? manifest.main;
  return chosen && fs.existsSync(path.join(directory, chosen)) ? path.join(directory, chosen) : `${programDirectory}/`;
}

async function main() {
  const registered = [];
  await pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs }) => {
        registered.push({ type, name, inputs });
        const state = {
          ...inputs,
          name: inputs.databaseName ?? name,
          result: "generated",
          fullyQualifiedDomainName: "x.postgres.database.azure.com",
        };
        return { id: `${name}-id`, state };
      },
      call: ({ inputs }) => inputs,
    },
    "pgvector-stack",
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(JSON.parse(configJson), []);
  const exported = require(entryPoint(program));
  await pulumi.runtime.waitForRPCs();
  const migrations = registered.find(({ type }) => type.endsWith(":Migrations"));
  process.stdout.write(
    `${JSON.stringify({
      cwd: process.cwd(),
      outputs: Object.keys(exported).sort(),
      types: [...new Set(registered.map(({ type }) => type))].sort(),
      migrationsDirectory: migrations?.inputs.directory,
      // The map is keyed by version; each entry names its migration's id.
      migrationIds: Object.values(migrations?.inputs.migrations ?? {}).map((entry) => entry.id),
    })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error?.message ?? error}\n`);
  process.exit(1);
});
