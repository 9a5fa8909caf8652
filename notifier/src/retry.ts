// Delivery retry policy shared by the channels: a transient failure (gateway overloaded,
// connection refused, timeout) is tried again with exponential backoff; a refusal that
// would be refused again (bad credentials, bad number) is not.
import { setTimeout as delay } from 'node:timers/promises';
import type { RetryPolicy } from './config.js';

export interface Outcome {
  ok: boolean;
  /** Worth another try: 503-like answers and transport errors. */
  transient: boolean;
  /** HTTP status or SMTP response code, when the gateway answered. */
  status?: number;
  /** What the gateway said (or the transport error), shortened. */
  answer: string;
}

export function backoffMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
  // Half fixed, half random: spreads retries of parallel deliveries without ever being 0.
  return Math.round(base / 2 + (random() * base) / 2);
}

export interface AttemptHooks {
  /** Before each try; awaited, so the start is durable before the request leaves. */
  started(attempt: number): Promise<void>;
  /** After each try; awaited, so each is journaled before the next starts. */
  finished(attempt: number, outcome: Outcome, willRetry: boolean, durationMs: number): Promise<void>;
}

/** Runs `once` until it succeeds, fails for good, or the attempts run out. */
export async function withRetry(policy: RetryPolicy, once: () => Promise<Outcome>, hooks: AttemptHooks): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    await hooks.started(attempt);
    const t0 = Date.now();
    const outcome = await once();
    const willRetry = !outcome.ok && outcome.transient && attempt < policy.attempts;
    await hooks.finished(attempt, outcome, willRetry, Date.now() - t0);
    if (!willRetry) return outcome;
    await delay(backoffMs(policy, attempt));
  }
}

export function shorten(s: string, max = 200): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
