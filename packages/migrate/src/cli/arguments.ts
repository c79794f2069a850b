// Command-line parsing and help for pgvector-migrate, on node:util parseArgs. The CLI runs in CI loops and its
// start-up is part of every run: parseArgs costs well under a millisecond, where loading commander (an ES module)
// cost 10-20 ms. Messages and help follow commander's conventions.
import { parseArgs } from "node:util";
import { UsageError } from "./exit-codes";
import { closeNames, didYouMean } from "./suggest";

export interface OptionSpec {
  /** Long name without the dashes, e.g. "dir". */
  name: string;
  /** Placeholder of the option's value, e.g. "<path>"; absent for a flag. */
  value?: string;
  description: string;
  default?: string;
  /** Environment variable used when the option is not given. */
  env?: string;
  choices?: readonly string[];
  /** Values that are not choices but a user may try, with what to do instead, e.g. `--format github`. */
  hints?: Readonly<Record<string, string>>;
  required?: boolean;
  /** May be given several times: the value is the list of values given. */
  multiple?: boolean;
  /** Converts the value; throws UsageError with a message saying what a valid value looks like. */
  parse?: (value: string) => unknown;
}

export interface CommandSpec {
  name: string;
  /** The help's usage line after "Usage: ", for a program that is one command; default "<program> <name> [options]". */
  usage?: string;
  description: string;
  /** One required positional argument, e.g. `new <name>`. */
  argument?: { name: string; description: string };
  options: readonly OptionSpec[];
}

export interface ProgramSpec {
  name: string;
  description: string;
  version: () => string;
  commands: readonly CommandSpec[];
}

/** Values by option name: strings (or what `parse` returned) for value options, true for flags given. */
export type OptionValues = Readonly<Record<string, unknown>>;

export type Invocation =
  /** `error`: no command was given, so the help goes to stderr with the usage exit code. */
  | { kind: "help"; text: string; error?: boolean }
  | { kind: "version"; text: string }
  | { kind: "command"; command: string; values: OptionValues; argument?: string };

const helpOption: OptionSpec = { name: "help", description: "display help for command" };

/**
 * A program that is a single command (`npm run local`): its options parsed, checked and documented exactly as a
 * command's. Throws UsageError for anything malformed.
 */
export function parseProgramOptions(
  command: CommandSpec & { usage: string },
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Invocation {
  const spec: ProgramSpec = { name: command.name, description: command.description, version: () => "", commands: [] };
  return parseCommand(spec, command, argv, env);
}

/** What the arguments ask for. Throws UsageError for anything malformed. */
export function parseCommandLine(spec: ProgramSpec, argv: readonly string[]): Invocation {
  const [first, ...rest] = argv;
  if (first === undefined) return { kind: "help", text: programHelp(spec), error: true };
  if (first === "-h" || first === "--help") return { kind: "help", text: programHelp(spec) };
  if (first === "-V" || first === "--version") return { kind: "version", text: spec.version() };
  if (first.startsWith("-")) throw new UsageError(`unknown option '${first}'${programOptionHint(spec, first)}`);
  if (first === "help") {
    const topic = rest[0];
    if (topic === undefined) return { kind: "help", text: programHelp(spec) };
    return { kind: "help", text: commandHelp(spec, findCommand(spec, topic)) };
  }
  const command = findCommand(spec, first);
  return parseCommand(spec, command, rest, process.env);
}

function findCommand(spec: ProgramSpec, name: string): CommandSpec {
  const command = spec.commands.find((candidate) => candidate.name === name);
  if (!command) {
    const names = [...spec.commands.map((candidate) => candidate.name), "help"];
    throw new UsageError(`unknown command '${name}'${didYouMean(name, names)}`);
  }
  return command;
}

function parseCommand(
  spec: ProgramSpec,
  command: CommandSpec,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Invocation {
  const byName = new Map(command.options.map((option) => [option.name, option]));
  const { tokens } = parseArgs({
    args: [...args],
    options: {
      ...Object.fromEntries(
        command.options.map((option) => [option.name, { type: option.value ? "string" : "boolean" } as const]),
      ),
      help: { type: "boolean", short: "h" },
    },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((token) => token.kind === "option" && token.name === "help")) {
    return { kind: "help", text: commandHelp(spec, command) };
  }

  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const option = byName.get(token.name);
    if (!option) throw unknownOption(spec, command, args[token.index] ?? token.rawName, token.rawName);
    if (!option.value) {
      if (token.inlineValue) throw new UsageError(`option '${token.rawName}' takes no value`);
      values[option.name] = true;
      continue;
    }
    if (token.value === undefined) throw new UsageError(`option '${optionLabel(option)}' argument missing`);
    const value = convert(option, token.value);
    values[option.name] = option.multiple ? [...((values[option.name] as unknown[]) ?? []), value] : value;
  }
  for (const option of command.options) {
    if (values[option.name] !== undefined) continue;
    if (option.multiple) {
      values[option.name] = [];
      continue;
    }
    const fromEnv = option.env ? env[option.env] : undefined;
    if (fromEnv !== undefined) values[option.name] = convert(option, fromEnv);
    else if (option.default !== undefined) values[option.name] = convert(option, option.default);
    else if (option.required) throw new UsageError(`required option '${optionLabel(option)}' not specified`);
  }

  const expected = command.argument ? 1 : 0;
  if (command.argument && positionals.length === 0) {
    throw new UsageError(`missing required argument '${command.argument.name}'`);
  }
  if (positionals.length > expected) {
    throw new UsageError(
      `too many arguments for '${command.name}'. Expected ${expected} argument${expected === 1 ? "" : "s"} but got ${positionals.length}: ${positionals.join(", ")}.`,
    );
  }
  return {
    kind: "command",
    command: command.name,
    values,
    ...(command.argument && { argument: positionals[0] }),
  };
}

function convert(option: OptionSpec, value: string): unknown {
  const invalid = (reason: string) =>
    new UsageError(`option '${optionLabel(option)}' argument '${value}' is invalid. ${reason}`);
  const hint = option.hints && Object.hasOwn(option.hints, value) ? option.hints[value] : undefined;
  if (hint !== undefined) throw invalid(hint);
  if (option.choices && !option.choices.includes(value)) {
    const close = closeNames(value, option.choices);
    throw invalid(`Allowed choices are ${option.choices.join(", ")}.${close && ` Did you mean ${close}?`}`);
  }
  if (!option.parse) return value;
  try {
    return option.parse(value);
  } catch (error) {
    if (error instanceof UsageError) throw invalid(error.message);
    throw error;
  }
}

/** `--dri` or `-dir` (read by parseArgs as `-d -i -r`): the closest options of the command, or its other commands. */
function unknownOption(spec: ProgramSpec, command: CommandSpec, arg: string, rawName: string): UsageError {
  const singleDashWord = /^-[^-=]{2,}/.exec(arg)?.[0];
  const written = singleDashWord ?? rawName;
  const name = written.replace(/^--?/, "");
  const names = [...command.options.map((option) => option.name), "help"];
  const hint = names.includes(name)
    ? ` (did you mean --${name}?)`
    : didYouMean(name, names, "--") || elsewhereHint(spec, command, name);
  return new UsageError(`unknown option '${written}'${hint}`);
}

/** " ('up' has no --to: it is an option of baseline and down)" for an option of other commands only. */
function elsewhereHint(spec: ProgramSpec, command: CommandSpec, name: string): string {
  const owners = spec.commands
    .filter((other) => other !== command && other.options.some((option) => option.name === name))
    .map((other) => other.name);
  if (owners.length === 0) return "";
  const list = owners.length === 1 ? owners[0] : `${owners.slice(0, -1).join(", ")} and ${owners.at(-1)}`;
  return ` ('${command.name}' has no --${name}: it is an option of ${list})`;
}

/** Before the command, only --help and --version; a command's option there gets "put it after the command". */
function programOptionHint(spec: ProgramSpec, arg: string): string {
  const name = arg.replace(/^--?/, "").split("=")[0] ?? "";
  const suggestion = didYouMean(name, ["help", "version"], "--");
  if (suggestion) return suggestion;
  const known = spec.commands.some((command) => command.options.some((option) => option.name === name));
  return known ? ` (options go after the command: ${spec.name} <command> --${name} ...)` : "";
}

function optionLabel(option: OptionSpec): string {
  return option.value ? `--${option.name} ${option.value}` : `--${option.name}`;
}

export function programHelp(spec: ProgramSpec): string {
  const options = [
    { term: "-V, --version", description: "output the version number" },
    { term: "-h, --help", description: helpOption.description },
  ];
  const commands = [
    ...spec.commands.map((command) => ({
      term: `${command.name} [options]${command.argument ? ` <${command.argument.name}>` : ""}`,
      description: command.description,
    })),
    { term: "help [command]", description: "display help for command" },
  ];
  const termWidth = widestTerm([...options, ...commands]);
  return [
    `Usage: ${spec.name} [options] [command]`,
    "",
    spec.description,
    "",
    "Options:",
    ...table(options, termWidth),
    "",
    "Commands:",
    ...table(commands, termWidth),
    "",
  ].join("\n");
}

export function commandHelp(spec: ProgramSpec, command: CommandSpec): string {
  const options = command.options.map((option) => ({ term: optionLabel(option), description: describe(option) }));
  const usage =
    command.usage ?? `${spec.name} ${command.name} [options]${command.argument ? ` <${command.argument.name}>` : ""}`;
  const lines = [`Usage: ${usage}`, "", ...wrap(command.description, 0), ""];
  if (command.argument) {
    const argument = [{ term: command.argument.name, description: command.argument.description }];
    lines.push("Arguments:", ...table(argument, widestTerm(argument)), "");
  }
  const all = [...options, { term: "-h, --help", description: helpOption.description }];
  lines.push("Options:", ...table(all, widestTerm(all)), "");
  return lines.join("\n");
}

function describe(option: OptionSpec): string {
  const extras = [
    ...(option.default !== undefined ? [`(default: ${JSON.stringify(option.default)})`] : []),
    ...(option.choices ? [`(choices: ${option.choices.map((choice) => JSON.stringify(choice)).join(", ")})`] : []),
    ...(option.env ? [`(env: ${option.env})`] : []),
    ...(option.multiple ? ["(repeatable)"] : []),
  ];
  return [option.description, ...extras].join(" ");
}

const width = 80;

interface Row {
  term: string;
  description: string;
}

function widestTerm(rows: readonly Row[]): number {
  return Math.max(...rows.map((row) => row.term.length)) + 2;
}

/** Two columns, the second wrapped to the width, as commander lays out help. */
function table(rows: readonly Row[], termWidth: number): string[] {
  return rows.flatMap((row) => {
    const [head = "", ...tail] = wrap(row.description, 2 + termWidth);
    return [`  ${row.term.padEnd(termWidth)}${head}`, ...tail.map((line) => `${" ".repeat(2 + termWidth)}${line}`)];
  });
}

function wrap(text: string, indent: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}
