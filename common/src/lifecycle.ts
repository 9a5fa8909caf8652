// The life of a long-running service (the exporter, the notifier), the same for each:
// start it, serve until SIGTERM or SIGINT, stop it letting requests in flight finish.
// Exit status: 0 after a signal, 1 when start-up or stopping failed, 2 when the listen
// address cannot be used (the operator's to fix).
import { ListenError } from './http.js';
import type { Fields, Logger } from './log.js';

export interface Stoppable {
  stop(): Promise<void>;
  /** Settles once the start-up that goes on after listening (tailers, spools) is done; rejects if it failed. */
  readonly ready?: Promise<void>;
}

/** Starts the service and resolves with the exit status once it has stopped; `fields` go with every message. */
export async function runUntilSignal(logger: Logger, start: () => Promise<Stoppable>, fields: Fields = {}): Promise<number> {
  let running: Stoppable;
  try {
    running = await start();
  } catch (err) {
    if (!(err instanceof ListenError)) throw err;
    logger.log('error', err.message, fields);
    return 2;
  }
  const service = running;
  const stopped = new Promise<number>((resolve) => {
    // once: a second Ctrl-C gets the default action, for a stop that hangs.
    const shutdown = (signal: NodeJS.Signals) => {
      logger.log('info', 'shutting down', { ...fields, signal });
      service.stop().then(
        () => resolve(0),
        (err: unknown) => {
          logger.log('error', 'shutdown failed', { ...fields, error: (err as Error).message });
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
  const failed = (service.ready ?? new Promise<void>(() => {})).then(
    () => new Promise<number>(() => {}),
    async (err: unknown) => {
      logger.log('error', 'start-up failed', { ...fields, error: (err as Error).message });
      await service.stop();
      return 1;
    },
  );
  return Promise.race([stopped, failed]);
}
