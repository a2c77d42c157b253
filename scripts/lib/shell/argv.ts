// The command line's check of a `hedge:*` command's words, run by hardhat.config.ts while Hardhat loads it.
//
// Hardhat parses a task's arguments after loading the config and before any task action runs, and prints its own
// errors with a stack trace and words such as "HH306: ... expects a value, but none was passed" or "Network remote
// doesn't exist". For a `hedge:*` command this module runs Hardhat's own parser first, against the tasks that
// tasks/index.ts declared, and turns each of its refusals into the command line's one line (`error: <what is wrong
// and what to do>` on stderr, exit code 1; see ./output). What Hardhat accepts is accepted unchanged: the check
// uses the same parser, so it can only refuse earlier and say it better. Every other command (test, compile, node,
// help, `--help`) is left to Hardhat, except on a network the config declares but cannot use (`remote` with a
// malformed HEDGE_PRIVATE_KEY): there every command is refused in one line, as it could only fail later.
//
// Light by design (it runs on every `npx hardhat`): only Hardhat's argument parser, already loaded by its CLI. That
// is also why what a private key looks like is decided here, without ethers: the config checks HEDGE_PRIVATE_KEY
// while it loads, and ethers is loaded only when a command's action needs it.
import { ArgumentsParser } from "hardhat/internal/cli/ArgumentsParser";
import { HardhatContext } from "hardhat/internal/context";
import { HardhatError } from "hardhat/internal/core/errors";
import { ERRORS } from "hardhat/internal/core/errors-list";
import { getEnvHardhatArguments } from "hardhat/internal/core/params/env-variables";
import { HARDHAT_PARAM_DEFINITIONS } from "hardhat/internal/core/params/hardhat-params";
import type { HardhatArguments, ParamDefinition, TaskDefinition } from "hardhat/types";

import { sayError } from "../output";
import { closest } from "./closest";

/** The global options and the task of a command line, as Hardhat's CLI parses them; undefined if it cannot. */
export function parseGlobal(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): { args: HardhatArguments; task?: string; taskWords: string[] } | undefined {
  try {
    const parsed = new ArgumentsParser().parseHardhatArguments(
      HARDHAT_PARAM_DEFINITIONS,
      getEnvHardhatArguments(HARDHAT_PARAM_DEFINITIONS, env),
      argv,
    );
    return {
      args: parsed.hardhatArguments,
      task: parsed.scopeOrTaskName,
      taskWords: parsed.allUnparsedCLAs.slice(1),
    };
  } catch {
    return undefined; // Hardhat refuses it itself, before loading the config
  }
}

/** The task a command line runs (`npx hardhat --network localhost hedge:status` runs `hedge:status`). */
export function invokedTask(argv: string[]): string | undefined {
  return parseGlobal(argv)?.task;
}

/** What each network that the config declares only when its environment variables are set needs, by name. */
export type NetworkHints = Record<string, string>;

/** Why a network that the config declares cannot be used (a malformed key in its environment variables), by name. */
export type NetworkProblems = Record<string, string>;

/**
 * The one-line error for a `hedge:*` command line, or undefined when Hardhat would run it (or it is not a `hedge:*`
 * command, or it asks for help). `tasks` are the declared tasks, `networks` the config's networks.
 */
export function hedgeCommandLineError(
  argv: string[],
  tasks: Record<string, TaskDefinition>,
  networks: string[],
  hints: NetworkHints = {},
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const parsed = parseGlobal(argv, env);
  if (!parsed?.task?.startsWith("hedge:") || parsed.args.help) return undefined;
  const definition = tasks[parsed.task];
  if (definition === undefined) return unknownTask(parsed.task, Object.keys(tasks));
  const problem = taskArgumentsError(definition, parsed.taskWords);
  if (problem !== undefined) return problem;
  const network = parsed.args.network;
  if (network !== undefined && !networks.includes(network)) {
    const given = networkGiven(argv, network);
    if (hints[network]) return `${given} needs ${hints[network]}`;
    const known = [...new Set([...networks, ...Object.keys(hints)])];
    return `${given}: no such network; use ${known.join(", ")}`;
  }
  return undefined;
}

/**
 * The one-line error for any command line (a `hedge:*` command or not) that runs a task on a network in `problems`;
 * undefined when it selects another network, runs no task, or asks for help.
 */
export function unusableNetworkError(
  argv: string[],
  problems: NetworkProblems,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const parsed = parseGlobal(argv, env);
  if (parsed?.task === undefined || parsed.task === "help" || parsed.args.help) return undefined;
  const network = parsed.args.network ?? "hardhat";
  const problem = problems[network];
  return problem === undefined ? undefined : `${networkGiven(argv, network)}: ${problem}`;
}

/** How the command line chose `network`: its `--network` option, or HARDHAT_NETWORK. */
function networkGiven(argv: string[], network: string): string {
  return argv.includes("--network") ? `--network ${network}` : `HARDHAT_NETWORK=${network}`;
}

/**
 * Runs the checks on this process's command line; on a refusal prints the line and exits with code 1 before Hardhat
 * parses anything of the task (so before any task runs or connects).
 */
export function checkHedgeCommandLine(
  networks: string[],
  hints: NetworkHints = {},
  problems: NetworkProblems = {},
): void {
  const tasks = HardhatContext.getHardhatContext().tasksDSL.getTaskDefinitions();
  const argv = process.argv.slice(2);
  const error = hedgeCommandLineError(argv, tasks, networks, hints) ?? unusableNetworkError(argv, problems);
  if (error === undefined) return;
  sayError(`error: ${error}`);
  process.exit(1);
}

// ------------------------------------------------------------------------------------------------ private keys

/** What a private key looks like, for the refusals that name a variable holding a bad one (never its value). */
export const PRIVATE_KEY_FORMAT = "64 hex digits, with or without 0x";

/** Text shaped like a private key (PRIVATE_KEY_FORMAT), whether or not it is a valid one. */
export const PRIVATE_KEY_TEXT = /^(0x)?[0-9a-fA-F]{64}$/;

/** The order of secp256k1: a private key is a number from 1 to n - 1. */
const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Whether `text` is a private key an account can sign with: shaped like one, and neither zero nor too large. */
export function isPrivateKey(text: string): boolean {
  if (!PRIVATE_KEY_TEXT.test(text)) return false;
  const key = BigInt(text.startsWith("0x") ? text : `0x${text}`);
  return key > 0n && key < SECP256K1_ORDER;
}

// ------------------------------------------------------------------------------------------------ the task's words

const cla = (name: string) => ArgumentsParser.paramNameToCLA(name);

/** Hardhat's parse of the task's words, its refusal turned into one line; undefined when it accepts them. */
function taskArgumentsError(task: TaskDefinition, words: string[]): string | undefined {
  const swallowed = optionTakenAsValue(task, words);
  if (swallowed !== undefined) return swallowed;
  try {
    new ArgumentsParser().parseTaskArguments(task, words);
    return undefined;
  } catch (error) {
    if (!HardhatError.isHardhatError(error)) throw error;
    return explain(task, words, error);
  }
}

/** `--id --from 1`: Hardhat takes `--from` as the id. Refused: the option before it was given no value. */
function optionTakenAsValue(task: TaskDefinition, words: string[]): string | undefined {
  const options = new Set(Object.keys(task.paramDefinitions).map(cla));
  for (let i = 0; i < words.length - 1; i++) {
    const definition = optionDefinition(task, words[i]);
    if (definition === undefined || definition.isFlag) continue;
    if (options.has(words[i + 1])) return missingValue(words[i], definition);
    i++;
  }
  return undefined;
}

/** The words Hardhat takes as positional arguments: neither an option nor the value of one. */
function positionalWords(task: TaskDefinition, words: string[]): string[] {
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i].startsWith("--")) {
      if (optionDefinition(task, words[i])?.isFlag === false) i++;
    } else positional.push(words[i]);
  }
  return positional;
}

function optionDefinition(task: TaskDefinition, word: string): ParamDefinition<unknown> | undefined {
  if (!word.startsWith("--") || word.toLowerCase() !== word) return undefined;
  return task.paramDefinitions[ArgumentsParser.cLAToParamName(word)];
}

/** Hardhat's refusal of a task's words, as one line that says what to do. */
function explain(task: TaskDefinition, words: string[], error: HardhatError): string {
  const args = error.messageArguments as Record<string, string>;
  const is = (descriptor: { number: number }) => error.number === descriptor.number;
  const help = `see npx hardhat ${task.name} --help`;
  if (is(ERRORS.ARGUMENTS.UNRECOGNIZED_PARAM_NAME)) return unknownOption(task, args.param, help);
  if (is(ERRORS.ARGUMENTS.PARAM_NAME_INVALID_CASING)) {
    const dashed = `--${args.param.slice(2).replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;
    return `${args.param}: options are written in lowercase with dashes, e.g. ${dashed}`;
  }
  if (is(ERRORS.ARGUMENTS.REPEATED_PARAM)) {
    const definition = optionDefinition(task, args.param);
    const list = /comma-separated/i.test(definition?.description ?? "") ? " (it takes a comma-separated list)" : "";
    return `${args.param} is given twice; give it once${list}`;
  }
  if (is(ERRORS.ARGUMENTS.MISSING_TASK_ARGUMENT)) {
    const definition = optionDefinition(task, args.param)!;
    if (words.includes(args.param)) return missingValue(args.param, definition);
    const stray = positionalWords(task, words);
    const hint =
      task.positionalParamDefinitions.length === 0 && stray.length === 1
        ? `; to give ${stray[0]}, write ${args.param} ${stray[0]}`
        : "";
    return `${task.name} needs ${args.param} <value>: ${describe(definition)}${hint}`;
  }
  if (is(ERRORS.ARGUMENTS.MISSING_POSITIONAL_ARG)) {
    const definition = task.positionalParamDefinitions.find((p) => p.name === args.param)!;
    return `${task.name} needs <${args.param}> (the first word after ${task.name}): ${describe(definition)}`;
  }
  if (is(ERRORS.ARGUMENTS.UNRECOGNIZED_POSITIONAL_ARG)) {
    const positionals = task.positionalParamDefinitions.map((p) => `<${p.name}>`);
    const takes = positionals.length === 0 ? "takes no argument" : `takes one argument, ${positionals.join(" ")}, not`;
    return `${task.name} ${takes} ${JSON.stringify(args.argument)} (other values follow their --option; ${help})`;
  }
  if (is(ERRORS.ARGUMENTS.INVALID_VALUE_FOR_TYPE)) return `${cla(args.name)} ${args.value}: not a valid ${args.type}`;
  return `${error.message.replace(/^HH\d+: /, "")} (${help})`;
}

function missingValue(option: string, definition: ParamDefinition<unknown>): string {
  return `${option} needs a value: ${describe(definition)} (write ${option} <value>)`;
}

/** A parameter's help text, as the rest of a sentence. */
function describe(definition: ParamDefinition<unknown>): string {
  const text = definition.description ?? definition.name;
  return /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}

function unknownOption(task: TaskDefinition, option: string, help: string): string {
  const options = Object.keys(task.paramDefinitions).map(cla);
  const close = closest(option, options);
  if (close !== undefined) return `${task.name} has no option ${option}; did you mean ${close}? (${help})`;
  const list = options.length === 0 ? "it takes none" : `its options: ${options.join(", ")}`;
  return `${task.name} has no option ${option}; ${list}`;
}

function unknownTask(name: string, tasks: string[]): string {
  const close = closest(
    name,
    tasks.filter((t) => t.startsWith("hedge:")),
  );
  return `no command ${name}${close ? `; did you mean ${close}?` : ""} (npx hardhat lists the commands)`;
}
