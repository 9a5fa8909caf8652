// `npm start` stops everything it started whatever tells it to: SIGINT, SIGTERM or SIGHUP
// sent to npm (the pid a service manager or a nohup user holds) or to up.ts's node process,
// also while the stack is still coming up. Real: `npm start` on free ports, and what is
// left read from /proc (every process of every group the tree had), not from its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXED_PORT_PARTS, freePort, PORT_ENV, REPO_ROOT, waitFor } from '@ussdwatch/testkit';

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  cmd: string;
}

/** Every process on the machine, from /proc/<pid>/stat (the command name may hold spaces and parentheses). */
function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const close = stat.lastIndexOf(')');
    const [state, ppid, pgid] = stat.slice(close + 2).split(' ');
    out.push({ pid: Number(name), ppid: Number(ppid), pgid: Number(pgid), state, cmd: stat.slice(stat.indexOf('(') + 1, close) });
  }
  return out;
}

const OWN_GROUP = processes().find((p) => p.pid === process.pid)!.pgid;

/** The process and all its descendants, alive now. */
function tree(root: number): Proc[] {
  const all = processes();
  const found = all.filter((p) => p.pid === root);
  for (let i = 0; i < found.length; i++) found.push(...all.filter((p) => p.ppid === found[i].pid));
  return found;
}

/** What still runs of these processes or of the process groups they were in (zombies have ended: not counted). */
function leftOf(seen: Proc[]): Proc[] {
  const pids = new Set(seen.map((p) => p.pid));
  const groups = new Set(seen.map((p) => p.pgid));
  // Never this test's own group, whatever went wrong.
  groups.delete(OWN_GROUP);
  return processes().filter((p) => p.state !== 'Z' && (pids.has(p.pid) || groups.has(p.pgid)));
}

let output = '';
/** Every process of the tree under test, for the clean-up after a failed test. */
let seen: Proc[] = [];

async function npmStart(): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const part of FIXED_PORT_PARTS) env[PORT_ENV[part]] = String(await freePort());
  output = '';
  // A group of its own: the groups the tree ends up in are then all its own, never this test's.
  const npm = spawn('npm', ['start', '--', '--no-build'], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  npm.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  npm.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  return npm;
}

const upNode = (npmPid: number) => tree(npmPid).find((p) => p.ppid === npmPid && p.cmd === 'node');

async function stopsEverything(target: (npmPid: number) => number, signal: NodeJS.Signals, when: RegExp): Promise<void> {
  const child = await npmStart();
  const pid = child.pid!;
  await waitFor(() => when.test(output), { timeoutMs: 120_000, intervalMs: 100, what: `npm start to print ${when}` }).catch((err: Error) => {
    throw new Error(`${err.message}\n--- npm start ---\n${output}`);
  });
  seen = tree(pid);
  if (when.source.includes('is up')) {
    // The whole chain is there: the check below would pass trivially on a stack that never came up.
    const names = new Set(seen.map((p) => p.cmd));
    for (const cmd of ['node', 'bearerbox', 'smsbox', 'fakesmsc', 'prometheus', 'prometheus-aler']) expect(names, `${cmd} running`).toContain(cmd);
  }
  process.kill(target(pid), signal);
  const left = await waitFor(() => leftOf(seen).length === 0 || undefined, { timeoutMs: 60_000, intervalMs: 200, what: 'every process npm start started to be gone' }).catch(() => leftOf(seen));
  expect(left === true ? [] : left.map((p) => `${p.pid} ${p.cmd}`), `left after ${signal}:\n${output}`).toEqual([]);
  expect(output).toContain('up: stopped every process it started');
}

afterEach(() => {
  // A failed test must not leave a stack behind for the next one (or the e2e run).
  for (const p of leftOf(seen)) process.kill(p.pid, 'SIGKILL');
  seen = [];
});

describe('npm start stops everything it started', () => {
  const up = /ussdwatch is up/;
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s to npm', (signal) => stopsEverything((pid) => pid, signal, up), 180_000);

  it('SIGHUP to the node process of up.ts', () => stopsEverything((pid) => upNode(pid)!.pid, 'SIGHUP', up), 180_000);

  it('SIGTERM to npm while the stack is still coming up', () => stopsEverything((pid) => pid, 'SIGTERM', /up: starting exporter/), 180_000);
});
