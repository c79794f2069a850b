// Every `pgvector-migrate ...` and `npm run ...` command in the shell blocks of the README and docs/ exists as
// written: the npm script, the CLI command and each of its options and values (checked by the CLI's own parser,
// and `npm run local`'s). The CLI commands that can run here do run, each against a fresh database of the native
// PostgreSQL server, with the exit code the docs promise.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { localCommand } from "../../local/dist/options";
import { parseCommandLine, parseProgramOptions } from "../../packages/migrate/dist/cli/arguments";
import { program } from "../../packages/migrate/dist/cli/main";
import { perTestResources } from "../cli/fixtures";
import { runCli } from "../support";
import { type DocumentedCommand, shellCommandsOf } from "../support/docs";

const projectDirectory = path.resolve(__dirname, "../..");
const pages = ["README.md", ...readdirSync(path.join(projectDirectory, "docs")).map((page) => `docs/${page}`)];
const scripts = (
  JSON.parse(readFileSync(path.join(projectDirectory, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

/** What a documented command runs: the CLI with arguments, `npm run local` with options, or another script. */
type Target =
  | { kind: "cli"; argv: string[] }
  | { kind: "local"; argv: string[] }
  | { kind: "script"; name: string }
  | { kind: "other" };

function targetOf(words: readonly string[]): Target {
  const [first, second, third, ...rest] = words.filter((_, index) => !isAssignmentAt(words, index));
  if (first === "pgvector-migrate") return { kind: "cli", argv: [second, third, ...rest].filter(isWord) };
  if (first === "npx" && second === "pgvector-migrate") return { kind: "cli", argv: [third, ...rest].filter(isWord) };
  if (first !== "npm" || second !== "run" || third === undefined) return { kind: "other" };
  const args = rest[0] === "--" ? rest.slice(1) : rest;
  if (third === "migrate") return { kind: "cli", argv: args };
  if (third === "lint:migrations") return { kind: "cli", argv: ["lint", ...args] };
  if (third === "local") return { kind: "local", argv: args };
  return { kind: "script", name: third };
}

function isWord(word: string | undefined): word is string {
  return word !== undefined;
}

/** `NAME=value` before the command. */
function isAssignmentAt(words: readonly string[], index: number): boolean {
  return words.slice(0, index + 1).every((word) => /^[A-Z_][A-Z0-9_]*=/.test(word));
}

const documented: DocumentedCommand[] = pages.flatMap((page) => shellCommandsOf(projectDirectory, page));
const ours = documented.filter((command) => targetOf(command.words).kind !== "other");

/**
 * Commands that cannot run in this test, with why; they are still checked against the definitions. Keyed by the
 * command as the page writes it.
 */
const notRunHere: Readonly<Record<string, string>> = {
  "pgvector-migrate up --dir supabase/migrations": "another tool's folder, which this repository does not have",
  // test/cli/import.test.ts and test/engine/coexistence.test.ts run these on real dbmate and drizzle-kit output.
  "pgvector-migrate import --dir drizzle": "another tool's folder and ledger, which this repository does not have",
  "pgvector-migrate up --dir drizzle --keep-tool-ledger": "another tool's folder, which this repository does not have",
  "npm run lint:migrations -- --changed-since origin/main --strict": "needs the origin/main ref of a clone",
};

/** Exit codes other than 0 that a command documents for the state the sequence leaves it in. */
const expectedExitCodes: Readonly<Record<string, number>> = {
  "pgvector-migrate plan --exit-code": 3, // "exit 3 when something is pending": nothing is applied yet
  "pgvector-migrate status --exit-code": 3,
  "pgvector-migrate down --to 3": 2, // "asks first": stdin is not a terminal here, so it refuses
};

describe("commands in the documentation", () => {
  it("are found: the CLI reference alone shows a dozen", () => {
    expect(ours.filter((command) => command.page === "docs/cli.md").length).toBeGreaterThanOrEqual(12);
  });

  it.each(ours.map((command) => [`${command.page}:${command.line} ${command.text}`, command] as const))(
    "%s exists as written",
    (_label, command) => {
      const target = targetOf(command.words);
      if (target.kind === "script") {
        expect(Object.keys(scripts), `package.json has no script "${target.name}"`).toContain(target.name);
      } else if (target.kind === "cli") {
        expect(() => parseCommandLine(program, target.argv)).not.toThrow();
      } else if (target.kind === "local") {
        expect(() => parseProgramOptions(localCommand, target.argv, {})).not.toThrow();
      }
    },
  );

  it("list every command that is not run here, and only those", () => {
    const texts = new Set(ours.map((command) => command.text));
    for (const text of [...Object.keys(notRunHere), ...Object.keys(expectedExitCodes)]) {
      expect(texts, `"${text}" is no longer in the docs: update this test`).toContain(text);
    }
  });
});

/** Five plain migrations (the native server has no pgvector), each with a down file: versions 2 to 4 exist. */
const sampleMigrations: Readonly<Record<string, string>> = Object.fromEntries(
  [1, 2, 3, 4, 5].flatMap((version) => {
    const id = `000${version}_table_${version}`;
    return [
      [`${id}.sql`, `CREATE TABLE table_${version} (id bigint PRIMARY KEY);\n`],
      [`${id}.down.sql`, `DROP TABLE table_${version};\n`],
    ];
  }),
);

describe("commands in the documentation, run against PostgreSQL", () => {
  const { freshDatabase, project } = perTestResources("docs_commands");

  // `npm run local` serves until Ctrl-C and the other npm scripts are the project's own tooling (test/local and
  // CI run those). Each CLI command runs on its own fresh database and folder, with nothing applied; `down`
  // after an `up`, since it reverts applied migrations.
  const runnable = ours.filter((command) => targetOf(command.words).kind === "cli" && !(command.text in notRunHere));

  it.each(runnable.map((command) => [`${command.page}:${command.line} ${command.text}`, command] as const))(
    "%s",
    async (_label, command) => {
      const argv = (targetOf(command.words) as { argv: string[] }).argv;
      const database = await freshDatabase();
      const { root } = project(sampleMigrations);
      const options = { cwd: root, env: { DATABASE_URL: database.url } };
      if (argv[0] === "down") expect((await runCli(["up"], options)).code).toBe(0);
      const result = await runCli(argv, options);
      expect(result.code, `${result.stdout}${result.stderr}`).toBe(expectedExitCodes[command.text] ?? 0);
    },
  );
});
