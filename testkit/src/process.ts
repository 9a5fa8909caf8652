import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { waitFor } from './wait.js';

export interface RunningProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions extends SpawnOptions {
  /** Resolve only once this URL answers 2xx (polled with a deadline). */
  readyUrl?: string;
  readyTimeoutMs?: number;
  /** Name used in error messages. */
  name?: string;
}

/** Starts a real program and, when readyUrl is given, waits until it serves. */
export async function startProcess(cmd: string, args: string[], opts: StartOptions = {}): Promise<RunningProcess> {
  const { readyUrl, readyTimeoutMs = 20_000, name = cmd, ...spawnOpts } = opts;
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOpts });
  let out = '';
  const keep = (b: Buffer) => {
    out += b.toString();
    if (out.length > 1_000_000) out = out.slice(-500_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const proc: RunningProcess = {
    child,
    output: () => out,
    async stop(graceMs = 5000) {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    },
  };
  if (readyUrl) {
    try {
      await waitFor(async () => {
        if (exited) throw new Error(`${name} exited with code ${child.exitCode}:\n${out.slice(-2000)}`);
        const res = await fetch(readyUrl).catch(() => null);
        return res?.ok ? true : undefined;
      }, { timeoutMs: readyTimeoutMs, what: `${name} at ${readyUrl}` });
    } catch (err) {
      await proc.stop();
      throw new Error(`${(err as Error).message}\n--- ${name} output ---\n${out.slice(-3000)}`);
    }
  }
  return proc;
}
