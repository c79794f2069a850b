export const ExitCode = {
  success: 0,
  failure: 1,
  usage: 2,
  /** `plan --exit-code` when migrations are pending. */
  pending: 3,
} as const;

/** Exit codes after SIGINT / SIGTERM: 128 + the signal number, as shells report a process killed by it. */
export const signalExitCodes = { SIGINT: 130, SIGTERM: 143 } as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A problem with how the CLI was invoked (bad option value, missing setting): exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
