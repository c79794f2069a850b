// `npm run docs`: writes Pulumi.yaml's settings and template, and the settings tables of docs/, from the setting
// definitions. `npm run docs -- --check` only reports the files that differ (exit code 1).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generatedFiles } from "./docs/generated-files";

// Compiled to scripts/dist/scripts/docs.js.
const projectDirectory = path.resolve(__dirname, "../../..");
const check = process.argv.includes("--check");
const stale = generatedFiles(projectDirectory).filter(
  ({ file, content }) => readFileSync(path.join(projectDirectory, file), "utf8") !== content,
);
for (const { file, content } of stale) {
  if (check) console.log(`${file} is not what the setting definitions give: run npm run docs`);
  else writeFileSync(path.join(projectDirectory, file), content);
}
if (!check) console.log(stale.length === 0 ? "Up to date." : `Wrote ${stale.map(({ file }) => file).join(", ")}.`);
process.exitCode = check && stale.length > 0 ? 1 : 0;
