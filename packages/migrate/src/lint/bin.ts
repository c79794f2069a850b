// Process entry of lint-migrations: `node packages/migrate/dist/lint/bin.js [options]`.
import { lintMain } from "./main";

lintMain(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`lint-migrations: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
