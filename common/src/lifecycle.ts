// The life of a long-running service (the exporter, the notifier), the same for each:
// start it, serve until SIGTERM or SIGINT, stop it letting requests in flight finish;
// SIGHUP reloads its configuration, from the first instant (its default action ends the process).
// Exit status: 0 after a signal, 1 when start-up or stopping failed, 2 when the listen
// address cannot be used (the operator's to fix).
import { ListenError } from './http.js';
import type { Fields, Logger } from './log.js';

export interface Stoppable {
  stop(): Promise<void>;
  /** Settles once the start-up that goes on after listening (tailers, spools) is done; rejects if it failed. */
  readonly ready?: Promise<void>;
}

/**
 * Starts the service and resolves with the exit status once it has stopped; `fields` go
 * with every message. With `reload`, SIGHUP calls it (the service logs the outcome); one
 * that comes during start-up is queued and runs once started, so it never kills the process.
 */
export async function runUntilSignal<S extends Stoppable>(logger: Logger, start: () => Promise<S>, fields: Fields = {}, reload?: (service: S) => unknown): Promise<number> {
  let started: S | undefined;
  let queued = false;
  const hangUp = () => {
    if (started) {
      Promise.resolve()
        .then(() => reload!(started!))
        .catch((err: unknown) => logger.log('error', 'reload failed', { ...fields, trigger: 'SIGHUP', error: (err as Error).message }));
    } else if (!queued) {
      queued = true;
      logger.log('info', 'SIGHUP during start-up: the configuration is read again once started', fields);
    }
  };
  if (reload) process.on('SIGHUP', hangUp);
  try {
    return await serveUntilSignal(logger, fields, async () => {
      started = await start();
      if (queued) hangUp();
      return started;
    });
  } finally {
    process.off('SIGHUP', hangUp);
  }
}

async function serveUntilSignal(logger: Logger, fields: Fields, start: () => Promise<Stoppable>): Promise<number> {
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

/**
 * The pair of metrics every reloadable service exports, under Prometheus's own names and
 * meaning, so one alert (UssdwatchConfigReloadFailed) covers them all.
 */
export const RELOAD_METRICS = {
  successful: { name: 'ussdwatch_config_last_reload_successful', help: 'Whether the last configuration reload attempt succeeded (1) or was refused (0).' },
  successAt: { name: 'ussdwatch_config_last_reload_success_timestamp_seconds', help: 'Time of the last successful configuration load (start-up or reload).' },
} as const;
