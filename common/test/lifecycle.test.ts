// A service's life from its command: exit status 0 after a signal, 1 when start-up or
// stopping failed, 2 for an address that cannot be used; SIGHUP reloads, even during start-up.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ListenError } from '../src/http.js';
import { runUntilSignal, type Stoppable } from '../src/lifecycle.js';
import type { Fields, Level } from '../src/log.js';

const logged: Array<{ level: Level; msg: string } & Fields> = [];
const logger = { log: (level: Level, msg: string, fields?: Fields) => void logged.push({ level, msg, ...fields }) };
// The test runner's own signal listeners stay; those a test left behind go.
let before: Record<string, unknown[]> = {};
beforeEach(() => {
  before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT'), SIGHUP: process.listeners('SIGHUP') };
});
afterEach(() => {
  logged.length = 0;
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    for (const l of process.listeners(signal)) if (!before[signal].includes(l)) process.off(signal, l as NodeJS.SignalsListener);
  }
});

function service(extra: Partial<Stoppable> = {}) {
  const s = { stops: 0, stop: async () => void s.stops++, ...extra };
  return s;
}

/** Lets the service start (its listeners are registered once runUntilSignal awaited start). */
const started = () => new Promise((r) => setImmediate(r));

describe('runUntilSignal', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('stops the service on %s and exits 0', async (signal) => {
    const s = service();
    const code = runUntilSignal(logger, async () => s, { config: 'x.yaml' });
    await started();
    process.emit(signal, signal);
    expect(await code).toBe(0);
    expect(s.stops).toBe(1);
    expect(logged).toEqual([{ level: 'info', msg: 'shutting down', config: 'x.yaml', signal }]);
  });

  it('exits 1 when stopping fails', async () => {
    const s = service({ stop: () => Promise.reject(new Error('journal gone')) });
    const code = runUntilSignal(logger, async () => s);
    await started();
    process.emit('SIGTERM', 'SIGTERM');
    expect(await code).toBe(1);
    expect(logged.at(-1)).toMatchObject({ level: 'error', msg: 'shutdown failed', error: 'journal gone' });
  });

  it('exits 1, stopped, when the start-up after listening fails', async () => {
    const s = service({ ready: Promise.reject(new Error('state dir is a file')) });
    expect(await runUntilSignal(logger, async () => s)).toBe(1);
    expect(s.stops).toBe(1);
    expect(logged).toEqual([{ level: 'error', msg: 'start-up failed', error: 'state dir is a file' }]);
  });

  it('exits 2 with the message when the address cannot be used; other start errors are thrown', async () => {
    expect(await runUntilSignal(logger, () => Promise.reject(new ListenError('cannot listen on 127.0.0.1:1: permission denied')))).toBe(2);
    expect(logged).toEqual([{ level: 'error', msg: 'cannot listen on 127.0.0.1:1: permission denied' }]);
    await expect(runUntilSignal(logger, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('reloads on SIGHUP; one during start-up is queued, never fatal, and runs once started', async () => {
    const s = service();
    let release!: () => void;
    const reloads: string[] = [];
    const code = runUntilSignal(
      logger,
      () => new Promise<typeof s>((resolve) => (release = () => resolve(s))),
      { config: 'x.yaml' },
      () => void reloads.push('reload'),
    );
    // Start-up has not finished: SIGHUP's default action would end the process.
    process.emit('SIGHUP', 'SIGHUP');
    process.emit('SIGHUP', 'SIGHUP');
    expect(reloads).toEqual([]);
    expect(logged).toEqual([{ level: 'info', msg: 'SIGHUP during start-up: the configuration is read again once started', config: 'x.yaml' }]);
    release();
    await started();
    // Two asked during start-up read the file once, after it.
    expect(reloads).toEqual(['reload']);
    process.emit('SIGHUP', 'SIGHUP');
    await started();
    expect(reloads).toEqual(['reload', 'reload']);
    process.emit('SIGTERM', 'SIGTERM');
    expect(await code).toBe(0);
    // Stopped, it no longer listens: SIGHUP is the next owner's.
    expect(process.listeners('SIGHUP')).toEqual(before.SIGHUP);
  });

  it('logs a reload that throws and keeps running', async () => {
    const s = service();
    const code = runUntilSignal(logger, async () => s, {}, () => {
      throw new Error('disk gone');
    });
    await started();
    process.emit('SIGHUP', 'SIGHUP');
    await started();
    expect(logged).toEqual([{ level: 'error', msg: 'reload failed', trigger: 'SIGHUP', error: 'disk gone' }]);
    expect(s.stops).toBe(0);
    process.emit('SIGTERM', 'SIGTERM');
    expect(await code).toBe(0);
  });
});
