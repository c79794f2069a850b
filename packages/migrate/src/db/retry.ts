// How often and how patiently a connection is retried after a transient failure (server starting, DNS not yet
// resolvable, too many connections): the engine's default, and the one way to turn retries off.
import type { RetryOptions } from "../types";

export const defaultRetry: Required<RetryOptions> = { attempts: 5, initialDelayMs: 500, maxDelayMs: 5_000 };

/** One attempt: a script sees the first failure at once (the CLI's --no-retry). */
export const noRetry: RetryOptions = { attempts: 1 };
