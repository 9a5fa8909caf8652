import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs?: number;
  /** Time between two checks. */
  intervalMs?: number;
  /** What is awaited, for the error message. */
  what?: string;
}

/**
 * Polls `check` until it returns a value other than undefined/false, or the deadline
 * passes. This is how tests synchronise with real processes: never a fixed sleep.
 */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, opts: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = opts;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? `: last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await delay(intervalMs);
  }
}
