// The task wrapper of the command line: one-line errors and the exit code. tasks/index.ts declares every task and
// runs its action (scripts/commands/<name>.ts) through `cliAction` when the task runs.
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { sayError } from "../lib/output";

/** A task's action: its arguments and the runtime environment in, its result out. */
export type Action<A = never, R = unknown> = (args: A, hre: HardhatRuntimeEnvironment) => Promise<R>;

export interface ActionOptions {
  /** The exit code when the action fails (default 1; hedge:audit uses 2, as 1 means "findings"). */
  errorExitCode?: number;
}

let depth = 0;

/**
 * Wraps a task action. At the top level (the command line, or one `hre.run` from a test) any error becomes a
 * single `error: <message>` line on stderr and `process.exitCode = errorExitCode` (default 1); the action then
 * returns `undefined`. When a task runs another task (the demo), errors propagate to the caller, which decides what
 * they mean.
 */
export function cliAction<A, R>(
  fn: (args: A, hre: HardhatRuntimeEnvironment) => Promise<R>,
  options: ActionOptions = {},
): (args: A, hre: HardhatRuntimeEnvironment) => Promise<R | undefined> {
  return async (args, hre) => {
    depth++;
    try {
      return await fn(args, hre);
    } catch (error) {
      if (depth > 1) throw error;
      const { describeError } = await import("../lib/errors");
      sayError(`error: ${await describeError(hre, error)}`);
      if (process.env.HEDGE_DEBUG && error instanceof Error && error.stack) sayError(error.stack);
      process.exitCode = options.errorExitCode ?? 1;
      return undefined;
    } finally {
      depth--;
    }
  };
}
