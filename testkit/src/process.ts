// The one way tests and `npm start` run a real program: in a process group of its own, so
// that stopping it stops whatever it forked too (bearerbox's children, a shell script's
// programs), with its output kept for failure messages and optionally mirrored to a file.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { waitFor } from './wait.js';

export interface RunningProcess {
  readonly name: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (the last 500 kB at least). */
  output(): string;
  /** Sends a signal to the whole group now (SIGKILL to simulate a crash). */
  kill(signal: NodeJS.Signals): void;
  /** Whether the process itself has exited. */
  exited(): boolean;
  /** Resolves with the exit code once the process has exited (null: killed by a signal, or never started). */
  readonly exit: Promise<number | null>;
  /**
   * SIGTERM to the group, SIGKILL after graceMs; resolves once the process has exited and
   * nothing is left of its group.
   */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions extends Omit<SpawnOptions, 'stdio' | 'detached'> {
  /** Resolve only once this URL answers 2xx (polled with a deadline). */
  readyUrl?: string;
  readyTimeoutMs?: number;
  /** Name used in error messages. */
  name?: string;
  /** Also append everything the process writes to this file. */
  logFile?: string;
}

// Groups still running, killed when this process exits however it ends (a test runner
// interrupted between start and stop), so no program outlives whatever started it.
const live = new Set<number>();
process.once('exit', () => {
  for (const pgid of live) signalGroup(pgid, 'SIGKILL');
});

/** Signals every process of the group (0: only checks); false when none is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    return false;
  }
}

/** Starts a real program in a new process group and, when readyUrl is given, waits until it serves. */
export async function startProcess(cmd: string, args: string[], opts: StartOptions = {}): Promise<RunningProcess> {
  const { readyUrl, readyTimeoutMs = 20_000, name = cmd, logFile, ...spawnOpts } = opts;
  const child = spawn(cmd, args, { ...spawnOpts, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pgid = child.pid;
  if (pgid !== undefined) live.add(pgid);
  let file = logFile === undefined ? null : createWriteStream(logFile, { flags: 'a' });
  let out = '';
  const keep = (b: Buffer) => {
    file?.write(b);
    out += b.toString();
    if (out.length > 1_000_000) out = out.slice(-500_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // 'close' comes once nothing holds the output pipes any more: the file has it all.
  child.once('close', () => {
    file?.end();
    file = null;
  });
  let exited = false;
  const gone = new Promise<void>((resolve) => {
    const done = () => {
      exited = true;
      // A group that died with its leader is not ours to kill at exit: its id may be reused.
      if (pgid !== undefined && !signalGroup(pgid, 0)) live.delete(pgid);
      resolve();
    };
    // A program that cannot be started at all (ENOENT) emits 'error' and no 'exit'.
    child.once('exit', done);
    child.once('error', (err) => {
      keep(Buffer.from(`${name}: ${err.message}\n`));
      done();
    });
  });
  const proc: RunningProcess = {
    name,
    child,
    exit: gone.then(() => child.exitCode),
    output: () => out,
    kill: (signal) => {
      if (pgid !== undefined) signalGroup(pgid, signal);
    },
    exited: () => exited,
    async stop(graceMs = 5000) {
      if (pgid === undefined) return;
      signalGroup(pgid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
      // Whatever the leader left behind in its group goes too.
      signalGroup(pgid, 'SIGKILL');
      live.delete(pgid);
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
