// `npm run local` starts here. It runs the compiled local/dist (and pgvector-migrate's dist), building them first
// only when a TypeScript source or config is newer than the last build: the TypeScript compiler alone takes a few
// seconds to start, even with nothing to do. Plain JavaScript, so that it runs before anything is built.
const { spawnSync } = require("node:child_process");
const { existsSync, readdirSync, statSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const projects = ["packages/migrate", "local"];
const sharedConfigs = ["tsconfig.base.json"];

/** Newest modification time of a file, or of a directory and everything in it. */
function newestIn(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestIn(join(path, entry)));
  return newest;
}

/** Why a build is needed, or undefined when every project's build is newer than its sources. */
function staleReason() {
  const shared = Math.max(...sharedConfigs.map((config) => newestIn(join(root, config))));
  for (const project of projects) {
    const buildInfo = join(root, project, "tsconfig.tsbuildinfo");
    if (!existsSync(buildInfo) || !existsSync(join(root, project, "dist"))) return `${project} is not built yet`;
    const built = statSync(buildInfo).mtimeMs;
    const sources = Math.max(
      shared,
      newestIn(join(root, project, "src")),
      newestIn(join(root, project, "tsconfig.json")),
    );
    if (sources > built) return `${project} changed since the last build`;
  }
  return undefined;
}

const reason = staleReason();
if (reason) {
  process.stderr.write(`Building pgvector-migrate and local/ with TypeScript (${reason}); takes a few seconds...\n`);
  const tsc = require.resolve("typescript/bin/tsc");
  const build = spawnSync(process.execPath, [tsc, "-b", ...projects], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) {
    process.stderr.write("npm run local: the TypeScript build failed (see above); fix it, or run `npm run build`\n");
    process.exit(build.status ?? 1);
  }
}

require("./dist/main.js")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
